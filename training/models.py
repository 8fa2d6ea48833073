"""Training and publicity events (SPEC §9, work plan 三(七)).

* ``TrainingEvent``: one training course (培训) or publicity activity (宣传活动) of a county, with history.
* ``EventAudience``: the headcount (人次) per audience category; an event's headcount is their sum.
* ``EventEvidence``: sign-in sheets, photos and notices, checked by content and stored with a SHA-256 hash.
* ``Attendee``: an optional attendee list imported from Excel; it sets the audience headcounts.

The 4·26 publicity week (“4·26知识产权宣传周”) is defined here as 20–30 April inclusive: the national week
usually runs from about 20 to 26 April and activities of the campaign often follow within days. An event's
flag follows its date unless the user chose “yes” or “no” explicitly (``publicity_week_override``).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.evidence import EvidenceFile
from config.storage import evidence_storage
from counties.models import County

PUBLICITY_WEEK_FIRST_DAY = (4, 20)
PUBLICITY_WEEK_LAST_DAY = (4, 30)


def in_publicity_week(date: datetime.date) -> bool:
    """Whether ``date`` falls within the 4·26 publicity week (20–30 April of its year)."""
    return PUBLICITY_WEEK_FIRST_DAY <= (date.month, date.day) <= PUBLICITY_WEEK_LAST_DAY


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training")
    PUBLICITY = "publicity", _("Publicity activity")


class AudienceCategory(models.TextChoices):
    MANAGEMENT = "management", _("Administrative staff")
    SERVICE = "service", _("Service agency staff")
    ENTERPRISE = "enterprise", _("Enterprise and institution staff")


class OrganiserKind(models.TextChoices):
    BUREAU = "bureau", _("County IP office")
    AGENCY = "agency", _("Service agency")


class TrainingEvent(models.Model):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="training_events", verbose_name=_("county")
    )
    date = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    organiser_kind = models.CharField(
        _("organiser"), max_length=10, choices=OrganiserKind.choices, default=OrganiserKind.BUREAU
    )
    organiser_name = models.CharField(
        _("organiser name"), max_length=200, blank=True, help_text=_("The service agency's name.")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    publicity_week_override = models.BooleanField(
        _("4·26 week (chosen)"),
        null=True,
        blank=True,
        help_text=_("Empty: decided by the date (20–30 April)."),
    )
    in_publicity_week = models.BooleanField(_("4·26 publicity week"), default=False, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("training or publicity event")
        verbose_name_plural = _("training and publicity events")
        indexes = [models.Index(fields=["county", "year"], name="training_event_county_year")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    def save(self, *args, **kwargs):
        self.year = self.date.year
        self.in_publicity_week = (
            self.publicity_week_override
            if self.publicity_week_override is not None
            else in_publicity_week(self.date)
        )
        super().save(*args, **kwargs)

    @property
    def organiser_display(self) -> str:
        if self.organiser_kind == OrganiserKind.AGENCY and self.organiser_name:
            return self.organiser_name
        return str(self.get_organiser_kind_display())


class EventAudience(models.Model):
    """The headcount (人次) of one audience category at an event."""

    event = models.ForeignKey(
        TrainingEvent, on_delete=models.CASCADE, related_name="audiences", verbose_name=_("event")
    )
    category = models.CharField(_("audience"), max_length=12, choices=AudienceCategory.choices)
    headcount = models.PositiveIntegerField(_("headcount"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "category"]
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        constraints = [
            models.UniqueConstraint(fields=["event", "category"], name="one_audience_row_per_category")
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.headcount}"


class EvidenceKind(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign-in sheet")
    PHOTO = "photo", _("Photo")
    NOTICE = "notice", _("Notice")
    OTHER = "other", _("Other")


def evidence_path(instance, filename):
    return f"training/{instance.event.county.code}/{instance.event.year}/{filename}"


class EventEvidence(EvidenceFile):
    """An evidence file of an event (``config.evidence``): type checked by content, neutral storage name, hash."""

    event = models.ForeignKey(
        TrainingEvent, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("event")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.SIGN_IN
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300, storage=evidence_storage)
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class Attendee(models.Model):
    """One line of an imported attendee list; a repeated person at the same event is flagged, counted once."""

    event = models.ForeignKey(
        TrainingEvent, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("event")
    )
    row = models.PositiveIntegerField(_("row"))
    name = models.CharField(_("attendee name"), max_length=100)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    category = models.CharField(_("audience"), max_length=12, choices=AudienceCategory.choices)
    duplicate_of_row = models.PositiveIntegerField(
        _("duplicate of row"), null=True, blank=True, help_text=_("Set when the same person is listed twice.")
    )

    class Meta:
        ordering = ["event", "row"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")

    def __str__(self):
        return f"{self.name} ({self.employer})"

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of_row is not None
