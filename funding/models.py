"""Funding (SPEC §7, work plan 四 and 五(二)): allocations, disbursements and expenditures per county and source.

* ``FundEntry``: one ledger entry — 下达 allocation, 拨付 disbursement (a tranche) or 支出 expenditure — of a
  county, from one source (自治区专项资金 / 盟市配套资金 / 旗县自筹), in 万元 (``Decimal``, two decimals,
  positive), with its document number (文号 or 凭证号). Every change is kept by simple-history.
* ``FundEvidence``: evidence files (vouchers, invoices) of an expenditure.
* ``FundBalance``: one row per (county, source) holding the cumulative totals; the services lock it with
  ``select_for_update`` before any write of that pair, so two concurrent writers are serialised and the
  invariants (disbursed ≤ allocated, spent ≤ disbursed) are checked on what is really stored.
* ``TrancheGateSettings``: the editable conditions of the tranche gate (one row).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.evidence import EvidenceFile
from counties.models import County

ZERO = Decimal("0.00")


class Kind(models.TextChoices):
    ALLOCATION = "allocation", _("Allocation")
    DISBURSEMENT = "disbursement", _("Disbursement")
    EXPENDITURE = "expenditure", _("Expenditure")


class Source(models.TextChoices):
    REGIONAL = "regional", _("Regional special fund")
    LEAGUE = "league", _("League matching fund")
    COUNTY = "county", _("County own fund")


class Category(models.TextChoices):
    PATENT_SUBSIDY = "patent_subsidy", _("Patent subsidies")
    PROJECT_SUPPORT = "project_support", _("Project support")
    RIGHTS_ASSISTANCE = "rights_assistance", _("Rights-protection assistance")
    PUBLICITY_TRAINING = "publicity_training", _("Publicity and training")
    SERVICE_PLATFORM = "service_platform", _("Public service platform")
    OTHER = "other", _("Other")


# File contract (SPEC §10): the Chinese names used in the import file, the audit sheets and exports.
KIND_NAMES = {Kind.ALLOCATION: "下达", Kind.DISBURSEMENT: "拨付", Kind.EXPENDITURE: "支出"}
SOURCE_NAMES = {Source.REGIONAL: "自治区", Source.LEAGUE: "盟市", Source.COUNTY: "旗县"}
SOURCE_FULL_NAMES = {
    Source.REGIONAL: "自治区专项资金",
    Source.LEAGUE: "盟市配套资金",
    Source.COUNTY: "旗县自筹",
}
CATEGORY_NAMES = {
    Category.PATENT_SUBSIDY: "专利资助",
    Category.PROJECT_SUPPORT: "项目扶持",
    Category.RIGHTS_ASSISTANCE: "维权援助",
    Category.PUBLICITY_TRAINING: "宣传培训",
    Category.SERVICE_PLATFORM: "公共服务平台",
    Category.OTHER: "其他",
}


class FundEntry(models.Model):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="fund_entries", verbose_name=_("county")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    date = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False, db_index=True)
    amount = models.DecimalField(_("amount (10,000 yuan)"), max_digits=14, decimal_places=2)
    doc_no = models.CharField(
        _("document number"),
        max_length=100,
        help_text=_("文号 of an allocation or disbursement, 凭证号 of an expenditure."),
    )
    category = models.CharField(
        _("expenditure category"), max_length=20, choices=Category.choices, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    override_reason = models.TextField(
        _("override reason"),
        blank=True,
        help_text=_("Why a regional tranche was released although a condition of the tranche gate failed."),
    )
    gate_failures = models.JSONField(_("failed gate conditions"), default=list, blank=True)
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
        verbose_name = _("fund entry")
        verbose_name_plural = _("fund entries")
        indexes = [models.Index(fields=["county", "source", "kind"], name="fund_entry_county_source")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fund_amount_positive"),
            models.UniqueConstraint(
                fields=["county", "kind", "source", "doc_no"], name="fund_entry_identity"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="expenditure") & ~models.Q(category=""))
                | (~models.Q(kind="expenditure") & models.Q(category="")),
                name="fund_category_for_expenditures_only",
            ),
        ]

    def __str__(self):
        return f"{self.county} {self.get_kind_display()} {self.get_source_display()} {self.amount} ({self.doc_no})"

    def save(self, *args, **kwargs):
        self.year = self.date.year
        super().save(*args, **kwargs)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def source_name(self) -> str:
        return SOURCE_NAMES.get(self.source, self.source)

    @property
    def category_name(self) -> str:
        return CATEGORY_NAMES.get(self.category, self.category)

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_reason)


def evidence_path(instance, filename):
    return f"funding/{instance.entry.county.code}/{instance.entry.year}/{filename}"


class FundEvidence(EvidenceFile):
    """A voucher, invoice or contract of an expenditure."""

    entry = models.ForeignKey(
        FundEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("fund entry")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "uploaded_at", "pk"]
        verbose_name = _("expenditure evidence")
        verbose_name_plural = _("expenditure evidence")


class FundBalance(models.Model):
    """Cumulative totals of one (county, source); the row the services lock before writing that pair."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+", verbose_name=_("county"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    allocated = models.DecimalField(_("allocated"), max_digits=14, decimal_places=2, default=ZERO)
    disbursed = models.DecimalField(_("disbursed"), max_digits=14, decimal_places=2, default=ZERO)
    spent = models.DecimalField(_("spent"), max_digits=14, decimal_places=2, default=ZERO)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["county", "source"]
        verbose_name = _("fund balance")
        verbose_name_plural = _("fund balances")
        constraints = [
            models.UniqueConstraint(fields=["county", "source"], name="one_fund_balance_per_county_source"),
            models.CheckConstraint(
                condition=models.Q(disbursed__lte=models.F("allocated")),
                name="fund_disbursed_within_allocated",
            ),
            models.CheckConstraint(
                condition=models.Q(spent__lte=models.F("disbursed")), name="fund_spent_within_disbursed"
            ),
        ]

    def __str__(self):
        return f"{self.county} {self.get_source_display()}"


class TrancheGateSettings(models.Model):
    """The editable conditions checked before a regional disbursement after the county's first (one row)."""

    min_grade = models.CharField(
        _("minimum grade"),
        max_length=20,
        default="合格",
        help_text=_("The last approved year's grade must be at least this grade band."),
    )
    max_red_findings = models.PositiveIntegerField(
        _("maximum red findings"), default=0, help_text=_("Red (overdue > 30 days) findings allowed.")
    )
    min_spent_rate = models.DecimalField(
        _("minimum spent share of previous tranches"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.6000"),
        help_text=_("A fraction: 0.6 means previous regional tranches must be at least 60 per cent spent."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tranche gate settings")
        verbose_name_plural = _("tranche gate settings")

    def __str__(self):
        return str(_("Tranche gate settings"))

    @classmethod
    def current(cls) -> TrancheGateSettings:
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row
