"""The tranche gate (SPEC §7): conditions checked before a regional disbursement after the county's first one.

1. ``grade``: the last approved year's grade is at least ``TrancheGateSettings.min_grade`` (compared by the grade
   bands' minimum scores; no approved year yet fails the condition);
2. ``red_findings``: the county's red findings (``county_facts(...)["red_findings"]`` from the registry, 0 while no
   app provides it) are at most ``max_red_findings``;
3. ``spent_rate``: the county's regional tranches paid so far are at least ``min_spent_rate`` spent
   (regional spent / regional disbursed).

A failed condition does not forbid the release: the regional office may release with an override reason, which is
stored with the disbursement (``FundEntry.override_reason`` and the failed codes in ``gate_failures``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.errors import PortalError
from config.formatting import format_money, format_percent
from config.registry import county_facts
from indicators.models import AnnualReport, CountyYearScore, GradeBand, ReportStatus
from indicators.selectors import grade_labels

from .models import ZERO, FundEntry, Kind, Source, TrancheGateSettings

CONDITION_LABELS = {
    "grade": gettext_lazy("Last approved year's grade"),
    "red_findings": gettext_lazy("Red findings"),
    "spent_rate": gettext_lazy("Previous tranches spent"),
}


class GateFailed(PortalError):
    """A regional tranche whose gate failed, released without an override reason."""


@dataclass
class GateCondition:
    code: str
    passed: bool
    detail: str

    @property
    def label(self) -> str:
        return str(CONDITION_LABELS[self.code])


@dataclass
class GateCheck:
    applies: bool
    conditions: list[GateCondition] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.applies or all(c.passed for c in self.conditions)

    @property
    def failures(self) -> list[str]:
        return [c.code for c in self.conditions if not c.passed] if self.applies else []

    def failure_text(self) -> str:
        return "；".join(f"{c.label}: {c.detail}" for c in self.conditions if not c.passed)


def condition_labels(codes) -> list[str]:
    return [str(CONDITION_LABELS.get(code, code)) for code in codes]


def _grade_condition(county, gate: TrancheGateSettings) -> GateCondition:
    bands = dict(GradeBand.objects.values_list("name", "min_score"))
    wanted = bands.get(gate.min_grade)
    report = (
        AnnualReport.objects.filter(county=county, status=ReportStatus.APPROVED).order_by("-year").first()
    )
    if report is None:
        return GateCondition("grade", False, _("no approved year yet"))
    score = CountyYearScore.objects.filter(county=county, year=report.year).first()
    grade = score.grade if score else ""
    if not grade or grade not in bands:
        return GateCondition("grade", False, _("%(year)s: no grade yet") % {"year": report.year})
    passed = wanted is None or bands[grade] >= wanted
    labels = grade_labels()
    return GateCondition(
        "grade",
        passed,
        _("%(year)s: %(grade)s (at least %(min)s)")
        % {
            "year": report.year,
            "grade": labels.get(grade, grade),
            "min": labels.get(gate.min_grade, gate.min_grade),
        },
    )


def _red_condition(county, gate: TrancheGateSettings) -> GateCondition:
    red = county_facts([county.pk]).get(county.pk, {}).get("red_findings", 0) or 0
    return GateCondition(
        "red_findings",
        red <= gate.max_red_findings,
        _("%(n)s red (at most %(max)s)") % {"n": red, "max": gate.max_red_findings},
    )


def _spent_condition(disbursed: Decimal, spent: Decimal, gate: TrancheGateSettings) -> GateCondition:
    rate = (spent / disbursed) if disbursed else None
    passed = rate is None or rate >= gate.min_spent_rate
    return GateCondition(
        "spent_rate",
        passed,
        _("%(spent)s of %(disbursed)s 10,000 yuan spent (%(rate)s, at least %(min)s)")
        % {
            "spent": format_money(spent),
            "disbursed": format_money(disbursed),
            "rate": format_percent(rate),
            "min": format_percent(gate.min_spent_rate),
        },
    )


def tranche_gate(county, *, exclude_entry_id: int | None = None, first_exempt: bool = True) -> GateCheck:
    """The gate for the next regional disbursement of ``county``.

    It applies when the county already has a regional disbursement (other than ``exclude_entry_id``); with
    ``first_exempt=False`` it applies anyway (an import releasing several tranches at once).
    """
    entries = FundEntry.objects.filter(county=county, source=Source.REGIONAL)
    if exclude_entry_id:
        entries = entries.exclude(pk=exclude_entry_id)
    totals = entries.aggregate(
        disbursed=Sum("amount", filter=Q(kind=Kind.DISBURSEMENT), default=ZERO),
        spent=Sum("amount", filter=Q(kind=Kind.EXPENDITURE), default=ZERO),
        tranches=Count("pk", filter=Q(kind=Kind.DISBURSEMENT)),
    )
    applies = bool(totals["tranches"]) or not first_exempt
    if not applies:
        return GateCheck(applies=False)
    gate = TrancheGateSettings.current()
    return GateCheck(
        applies=True,
        conditions=[
            _grade_condition(county, gate),
            _red_condition(county, gate),
            _spent_condition(totals["disbursed"], totals["spent"], gate),
        ],
    )
