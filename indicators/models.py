"""The indicator catalogue, annual reports with their values, and the stored compliance results.

* ``DataElement``: a raw annual value a county reports (SPEC §3); ``Indicator``: a value computed from
  elements, judged by a rule against a target (SPEC §4); ``GradeBand``: score bands (SPEC §5).
* ``AnnualReport`` / ``DataValue``: one report per (county, year) in a review workflow (SPEC §6); every
  change of every value is kept by django-simple-history.
* ``IndicatorResult`` / ``CountyYearScore``: stored scoring output, recomputed by Celery; ``StaleScore``
  marks (county, year) pairs whose stored scores are out of date until recomputed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.evidence import EvidenceFile
from config.storage import evidence_storage
from counties.models import County, PilotDesignation


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Amount")
    BOOLEAN = "boolean", _("Yes/no")


class DataElement(models.Model):
    """A raw annual value reported by a county. ``code`` is stable: it heads Excel columns and exports."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    section = models.CharField(_("policy section"), max_length=20, blank=True)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices)
    is_derived = models.BooleanField(
        _("derived"), default=False, help_text=_("Computed from training and publicity records, never typed.")
    )
    hint = models.CharField(_("hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")

    def __str__(self):
        return self.name


class Rule(models.TextChoices):
    MIN = "min", _("At least the target")
    INCREASE = "increase", _("Higher than the previous year")
    CUMULATIVE_MIN = "cumulative_min", _("Cumulative total over the pilot years reaches the target")
    TRUE = "true", _("Must be yes")
    MONITOR = "monitor", _("Monitored, no target")


class Indicator(models.Model):
    """``value = factor × Σ numerator / Σ denominator`` (no denominator: the numerator sum itself)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    section = models.CharField(_("policy section"), max_length=20, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    numerator = models.ManyToManyField(DataElement, related_name="numerator_of", verbose_name=_("numerator"))
    denominator = models.ManyToManyField(
        DataElement, related_name="denominator_of", blank=True, verbose_name=_("denominator")
    )
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=4, default=1)
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords(excluded_fields=["order"])

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name


class GradeBand(models.Model):
    """A score band: a score of at least ``min_score`` earns this grade (the highest band that fits wins)."""

    name = models.CharField(_("grade"), max_length=20, unique=True)
    name_en = models.CharField(_("English name"), max_length=40, blank=True)
    min_score = models.DecimalField(_("minimum score"), max_digits=5, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-min_score"]
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")

    def __str__(self):
        return f"{self.name} ≥ {self.min_score}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class AnnualReport(models.Model):
    """One county's data for one year, moving through draft → submitted → approved / returned.

    ``version`` increases on every save through the services and guards against lost updates
    (optimistic concurrency).
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="reports", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["county__code", "year"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_report_per_county_year")]

    def __str__(self):
        return f"{self.county} {self.year}"

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.APPROVED


def default_deadline(year: int):
    """31 March of the following year (SPEC §8a)."""
    import datetime

    return datetime.date(year + 1, 3, 31)


class ReportingDeadline(models.Model):
    """The deadline of one year's annual reports; a year without a row has the default deadline."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    deadline = models.DateField(_("deadline"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")

    def __str__(self):
        return f"{self.year}: {self.deadline:%Y-%m-%d}"


class ReportTransition(models.Model):
    """One step of a report's workflow: who moved it, when, from where to where, and why."""

    report = models.ForeignKey(
        AnnualReport, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("report")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=ReportStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=ReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")

    def __str__(self):
        return f"{self.report}: {self.from_status} → {self.to_status}"


class DataValue(models.Model):
    """One typed element value of a report. Yes-no values are stored as 1 (yes) and 0 (no)."""

    report = models.ForeignKey(
        AnnualReport,
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("report"),
        db_index=False,  # the unique constraint (report, element) leads with it
    )
    element = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="values", verbose_name=_("element")
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    comment = models.CharField(
        _("comment"), max_length=500, blank=True, help_text=_("Explanation confirming a large change.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The value history is the largest table (a row per value per change): its author is a plain column, not a
    # database-checked foreign key, which saves a check per row at commit (a third of an import's commit on
    # PostgreSQL). Users are deactivated, never deleted; an ORM deletion still nulls the column (SET_NULL).
    history = HistoricalRecords(user_db_constraint=False)

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(fields=["report", "element"], name="one_value_per_report_element")
        ]

    def __str__(self):
        return f"{self.report} {self.element.code}={self.value}"


class ResultStatus(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    MISSING = "missing", _("Missing data")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class IndicatorResult(models.Model):
    """The stored evaluation of one indicator for one (county, year): derived data, rewritten by
    ``scoring.recompute`` from the values.

    Its references are kept by the ORM (deleting a county or an indicator deletes its results) and by the
    recompute (which deletes the results of years no longer reported), not by database constraints: checking
    43,000 references at commit was a third of a full recompute on PostgreSQL. The county's index is the unique
    constraint's leading column."""

    county = models.ForeignKey(
        County,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("county"),
        db_constraint=False,
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("indicator"),
        db_constraint=False,
    )
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=4, null=True, blank=True)
    previous_value = models.DecimalField(
        _("previous value"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ResultStatus.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["county__code", "year", "indicator__order"]
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "indicator"], name="one_result_per_county_year_indicator"
            )
        ]

    def __str__(self):
        return f"{self.county} {self.year} {self.indicator.code}: {self.status}"


class CountyYearScore(models.Model):
    """The stored compliance score (考核得分) and grade of one (county, year)."""

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="scores", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    met_count = models.PositiveSmallIntegerField(_("indicators met"), default=0)
    scored_count = models.PositiveSmallIntegerField(_("indicators scored"), default=0)
    missing_count = models.PositiveSmallIntegerField(_("indicators missing data"), default=0)
    computed_at = models.DateTimeField(_("computed at"))
    inputs_digest = models.CharField(
        _("inputs fingerprint"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_(
            "A fingerprint of the data the score was computed from; empty: computed again next time."
        ),
    )

    class Meta:
        ordering = ["county__code", "year"]
        verbose_name = _("compliance score")
        verbose_name_plural = _("compliance scores")
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_score_per_county_year")]

    def __str__(self):
        return f"{self.county} {self.year}: {self.score}"


class StaleScore(models.Model):
    """A (county, year) whose stored scores are out of date; written in the same transaction as the change."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+", verbose_name=_("county"))
    year = models.PositiveSmallIntegerField(_("year"))
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("stale score")
        verbose_name_plural = _("stale scores")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="one_stale_mark_per_county_year")
        ]

    def __str__(self):
        return f"{self.county} {self.year}"


class ImportBatch(models.Model):
    """A landed Excel import: which app and kind (plain labels), who, when, which file, what it changed.

    Every import of every app records one through ``config.excel.run_import``; a new app needs no change here.
    """

    app = models.CharField(_("app"), max_length=40, default="indicators", db_index=True)
    kind = models.CharField(_("kind"), max_length=40, default="annual_data")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    reports_created = models.PositiveIntegerField(_("reports created"), default=0)
    values_created = models.PositiveIntegerField(_("values created"), default=0)
    values_changed = models.PositiveIntegerField(_("values changed"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class AcceptanceConclusion(models.TextChoices):
    """The acceptance conclusion (验收结论) the regional office records at the end of a pilot (SPEC §5)."""

    PASSED = "passed", _("Passed")
    RECTIFY = "rectify", _("Rectify within a deadline")
    FAILED = "failed", _("Not passed")


class AcceptanceRule(models.Model):
    """An editable rule behind the proposed conclusion; the portal names each rule a pilot fails.

    ``kind`` decides what is checked: the final year's grade reaches ``grade`` · no red findings · the fund
    execution rate is at least ``threshold`` (a fraction) · at least ``threshold`` work-plan tasks completed.
    """

    class Kind(models.TextChoices):
        FINAL_GRADE = "final_grade", _("Final-year grade at least")
        NO_RED_FINDINGS = "no_red_findings", _("No red findings")
        EXECUTION_RATE = "execution_rate", _("Fund execution rate at least")
        TASKS_COMPLETED = "tasks_completed", _("Work-plan tasks completed at least")

    kind = models.CharField(_("rule"), max_length=20, choices=Kind.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=4, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "kind"]
        verbose_name = _("acceptance rule")
        verbose_name_plural = _("acceptance rules")

    def __str__(self):
        return self.get_kind_display()


class Acceptance(models.Model):
    """The recorded acceptance (验收) of a pilot, with the pilot summary as it stood (``snapshot``)."""

    designation = models.OneToOneField(
        PilotDesignation, on_delete=models.PROTECT, related_name="acceptance", verbose_name=_("pilot")
    )
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=AcceptanceConclusion.choices)
    reason = models.TextField(_("reason"))
    proposed = models.CharField(
        _("proposed conclusion"), max_length=10, choices=AcceptanceConclusion.choices, blank=True
    )
    failed_rules = models.JSONField(_("failed rules"), default=list, blank=True)
    snapshot = models.JSONField(_("summary as recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")

    def __str__(self):
        return f"{self.designation.county}: {self.get_conclusion_display()}"


class CatalogueVersion(models.Model):
    """A target and weight of an indicator, or a grade band's minimum score, in force from ``effective_year`` on
    (生效年度). A year is scored with the version of the greatest effective year not after it; effective year 0
    holds the values in force before the first versioned change."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("indicator"),
    )
    band = models.ForeignKey(
        GradeBand,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("grade"),
    )
    effective_year = models.PositiveSmallIntegerField(_("effective from"))
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, null=True, blank=True)
    min_score = models.DecimalField(_("minimum score"), max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        ordering = ["effective_year"]
        verbose_name = _("target version")
        verbose_name_plural = _("target versions")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "effective_year"], name="one_version_per_indicator_year"
            ),
            models.UniqueConstraint(fields=["band", "effective_year"], name="one_version_per_band_year"),
        ]

    def __str__(self):
        return f"{self.indicator or self.band} ≥ {self.effective_year}"


# --- Work-plan tasks (三 工作计划, SPEC §8b) ------------------------------------------------------------


class WorkTask(models.Model):
    """One of the 16 tasks of the work plan; ``code`` is stable (it heads imports and exports)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    section = models.CharField(_("policy section"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("work-plan task")
        verbose_name_plural = _("work-plan tasks")

    def __str__(self):
        return self.name


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    UNDERWAY = "underway", _("Underway")
    COMPLETED = "completed", _("Completed")


class TaskProgress(models.Model):
    """What a pilot did on one task in one report year; locked, returned and kept with its report."""

    TEXT_LIMIT = 2000

    report = models.ForeignKey(
        AnnualReport, on_delete=models.CASCADE, related_name="task_progress", verbose_name=_("report")
    )
    task = models.ForeignKey(
        WorkTask, on_delete=models.PROTECT, related_name="progress", verbose_name=_("task")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.TextField(_("progress"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "task__order"]
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="one_progress_per_report_task")
        ]

    def __str__(self):
        return f"{self.report} {self.task.code}: {self.status}"


def task_evidence_path(instance, filename):
    report = instance.progress.report
    return f"tasks/{report.county.code}/{report.year}/{filename}"


class TaskEvidence(EvidenceFile):
    """An evidence file of a task's progress (a document, a photo, a list)."""

    file = models.FileField(_("file"), upload_to=task_evidence_path, max_length=300, storage=evidence_storage)
    progress = models.ForeignKey(
        TaskProgress, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("task progress")
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("task evidence file")
        verbose_name_plural = _("task evidence files")
