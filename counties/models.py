"""Organisation and people: leagues (盟市), counties (旗县市区), pilot designations and users with roles."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class League(models.Model):
    """A league-level unit (盟/市) identified by its GB/T 2260 code."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = _("league")
        verbose_name_plural = _("leagues")

    def __str__(self):
        return self.name


class County(models.Model):
    """A county-level unit (旗/县/市/区) identified by its GB/T 2260 code."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=4, help_text=_("旗, 县, 市 or 区"))
    league = models.ForeignKey(
        League, on_delete=models.PROTECT, related_name="counties", verbose_name=_("league")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self):
        return self.name


class PilotDesignation(models.Model):
    """The designation of a county as a pilot (试点县) for the years start_year..end_year."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In pilot")
        PASSED = "passed", _("Accepted")
        FAILED = "failed", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    county = models.OneToOneField(
        County, on_delete=models.PROTECT, related_name="pilot", verbose_name=_("county")
    )
    batch = models.PositiveSmallIntegerField(_("batch"), default=1)
    designation_year = models.PositiveSmallIntegerField(_("designation year"))
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["county__code"]
        verbose_name = _("pilot designation")
        verbose_name_plural = _("pilot designations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="pilot_end_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.county} ({self.start_year}–{self.end_year})"

    @property
    def baseline_year(self) -> int:
        """The year before the pilot starts (基期), reported so that 'increase' can be judged in year one."""
        return self.start_year - 1

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def clean(self):
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The end year must not be before the start year.")})


class Role(models.TextChoices):
    COUNTY_STAFF = "county_staff", _("County staff")
    LEAGUE_STAFF = "league_staff", _("League staff")
    REGION_STAFF = "region_staff", _("Regional office staff")
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    """A portal user. County and league staff are tied to their county or league."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.COUNTY_STAFF)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("county"),
    )
    league = models.ForeignKey(
        League,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("league"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        if self.role == Role.COUNTY_STAFF and not self.county_id and not self.is_superuser:
            raise ValidationError({"county": _("County staff must belong to a county.")})
        if self.role == Role.LEAGUE_STAFF and not self.league_id:
            raise ValidationError({"league": _("League staff must belong to a league.")})

    @property
    def is_county_staff(self) -> bool:
        return self.role == Role.COUNTY_STAFF

    @property
    def is_league_staff(self) -> bool:
        return self.role == Role.LEAGUE_STAFF

    @property
    def is_region_staff(self) -> bool:
        return self.role == Role.REGION_STAFF or self.is_superuser

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR and not self.is_superuser


class Notification(models.Model):
    """A message to one user, kept in the portal (unread count in the top bar) and e-mailed when configured.

    ``key`` identifies the event it reports (e.g. ``finding:12:colour:3``): one user never gets the same event
    twice (``counties.notifications.notify_users`` skips existing keys).
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    key = models.CharField(_("event key"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="one_notification_per_user_event"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
