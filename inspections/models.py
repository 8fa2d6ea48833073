"""Inspections and rectification of findings (SPEC §8, work plan 五).

* ``Inspection``: an inspection of one county (不定期检查, 专项资金检查, 年度考核, 验收) with its report files.
* ``Finding``: a problem found (问题) with the rectification requirement (整改要求) and deadline; it moves through
  the workflow table of ``inspections.workflow`` (待整改 → 已提交整改 → 已销号, or back to 待整改) and carries a
  warning colour (三色预警) kept up to date by ``inspections.services.escalate_findings``.
* ``FindingTransition``: every step of a finding (who, when, from, to, comment): the timeline.
* ``RectificationEvidence``: evidence files of the county's rectification report.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.evidence import EvidenceFile
from counties.models import County


class InspectionKind(models.TextChoices):
    ADHOC = "adhoc", _("Unannounced inspection")
    FUNDS = "funds", _("Special fund inspection")
    ANNUAL = "annual", _("Annual assessment")
    ACCEPTANCE = "acceptance", _("Acceptance inspection")


class FindingCategory(models.TextChoices):
    MANAGEMENT = "management", _("IP management")
    FUNDS = "funds", _("Use of funds")
    DATA = "data", _("Data quality")
    TARGETS = "targets", _("Work targets")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    SEVERE = "severe", _("Severe")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Awaiting rectification")
    ANSWERED = "answered", _("Rectification submitted")
    CLOSED = "closed", _("Closed")


class Colour(models.TextChoices):
    """三色预警 (with blue: due soon). A closed finding has no colour ("")."""

    GREEN = "green", _("Green")
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Inspection(models.Model):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("county")
    )
    kind = models.CharField(_("kind of inspection"), max_length=12, choices=InspectionKind.choices)
    date = models.DateField(_("inspection date"))
    inspectors = models.CharField(_("inspectors"), max_length=300, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    conclusion = models.TextField(_("inspection conclusion"), blank=True)
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
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["county", "date"], name="inspection_county_date")]

    def __str__(self):
        return f"{self.county} {self.date:%Y-%m-%d} {self.get_kind_display()}"


def inspection_file_path(instance, filename):
    return f"inspections/{instance.inspection.county.code}/{filename}"


class InspectionFile(EvidenceFile):
    """The inspection report (检查报告) and other files of an inspection."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="files", verbose_name=_("inspection")
    )
    file = models.FileField(_("file"), upload_to=inspection_file_path, max_length=300)

    class Meta:
        ordering = ["inspection", "uploaded_at", "pk"]
        verbose_name = _("inspection report file")
        verbose_name_plural = _("inspection report files")


class Finding(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name=_("inspection")
    )
    category = models.CharField(_("category"), max_length=12, choices=FindingCategory.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    description = models.TextField(_("problem"))
    requirement = models.TextField(_("rectification requirement"), blank=True)
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    colour = models.CharField(_("warning colour"), max_length=8, choices=Colour.choices, blank=True)
    colour_changed_at = models.DateTimeField(_("colour changed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    rectification = models.TextField(_("rectification report"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A finding made from an unmet indicator of a pilot's last year (工作目标).
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
    )
    indicator_year = models.PositiveSmallIntegerField(_("indicator year"), null=True, blank=True)
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
        ordering = ["deadline", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["status", "deadline"], name="finding_status_deadline")]

    def __str__(self):
        text = self.description if len(self.description) <= 40 else self.description[:39] + "…"
        return f"{self.inspection.county} · {text}"

    @property
    def county(self) -> County:
        return self.inspection.county

    @property
    def is_closed(self) -> bool:
        return self.status == FindingStatus.CLOSED


class FindingTransition(models.Model):
    """One step of a finding's workflow: who, when, from, to and the comment (or rectification text)."""

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("finding")
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=10, choices=FindingStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=FindingStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("finding step")
        verbose_name_plural = _("finding steps")

    def __str__(self):
        return f"{self.finding_id}: {self.from_status} → {self.to_status}"


def rectification_path(instance, filename):
    return f"rectification/{instance.finding.inspection.county.code}/{filename}"


class RectificationEvidence(EvidenceFile):
    """Evidence of a rectification (整改佐证材料); ``step`` is the answer it was submitted with."""

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("finding")
    )
    step = models.ForeignKey(
        FindingTransition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("step"),
    )
    file = models.FileField(_("file"), upload_to=rectification_path, max_length=300)

    class Meta:
        ordering = ["finding", "uploaded_at", "pk"]
        verbose_name = _("rectification evidence")
        verbose_name_plural = _("rectification evidence")
