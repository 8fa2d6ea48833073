"""The pilot summary (试点总结) and the proposed acceptance conclusion (SPEC §5, §10): read-side selectors.

``pilot_summary(county)`` builds the summary of one pilot over its pilot window as a plain, JSON-ready document
(decimals as strings), in a fixed number of queries whatever the number of years and indicators:

* ``years``: score, grade and final (正式, report approved) / provisional (暂定) per pilot year;
* ``indicators``: each indicator's status per pilot year (the status matrix);
* ``cumulative``: each ``cumulative_min`` indicator's total so far, target, and what is still needed per
  remaining pilot year;
* ``completeness``: approved years / pilot years; ``training``: 培训人次 per year (derived values);
* ``findings``, ``funds``, ``tasks``: facts of the other apps through ``config.registry.county_facts``
  (absent facts — the app is not installed — read as 0 / none);
* ``sections``: extra sections contributed by ``<app>/summary.py`` ``summary_sections(county, designation)``,
  each ``{"title": str, "rows": [[label, value], …]}`` (strings, JSON-ready);
* ``acceptance``: the recorded conclusion, or None.

Once the acceptance is recorded the stored snapshot is the summary shown (``summary_for_display``): numbers a
regional officer signed off do not move afterwards.

``proposed_conclusion(summary)`` judges the editable ``AcceptanceRule`` rows against a summary and names each
rule that fails; a person decides.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from config.formatting import format_money, format_percent, format_plain
from config.registry import collect, county_facts
from counties.models import County, PilotDesignation

from .freezing import derived_values
from .models import (
    Acceptance,
    AcceptanceConclusion,
    AcceptanceRule,
    AnnualReport,
    CountyYearScore,
    DataValue,
    GradeBand,
    Indicator,
    IndicatorResult,
    ReportStatus,
    ResultStatus,
    Rule,
)
from .selectors import grade_labels
from .targets import version_in_force

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")


def _s(value: Decimal | None, places: Decimal = TWO) -> str | None:
    """A decimal as a JSON string with fixed places (None stays None)."""
    if value is None:
        return None
    return str(Decimal(value).quantize(places, rounding=ROUND_HALF_UP))


def _d(text) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))


def pilot_of(county: County) -> PilotDesignation | None:
    try:
        return county.pilot
    except PilotDesignation.DoesNotExist:
        return None


def _facts(county: County) -> dict:
    return county_facts([county.pk]).get(county.pk, {})


def _funds(facts: dict) -> dict:
    rate = facts.get("fund_execution_rate")
    matching = facts.get("fund_matching_ratio")
    by_source = facts.get("fund_allocated_by_source") or {}
    return {
        "allocated": _s(facts.get("fund_allocated", Decimal(0))),
        "disbursed": _s(facts.get("fund_disbursed", Decimal(0))),
        "spent": _s(facts.get("fund_spent", Decimal(0))),
        "execution_rate": _s(rate, FOUR),
        "matching_ratio": _s(matching, FOUR),
        "allocated_by_source": {str(source): _s(amount) for source, amount in by_source.items()},
        "known": "fund_allocated" in facts,
    }


def _cumulative(indicator: Indicator, results: dict, pilot: PilotDesignation) -> dict:
    """Total so far (the latest stored result in the window), target, and what is needed per remaining year."""
    window = list(pilot.years)
    scored_years = [y for y in window if y in results]
    latest = scored_years[-1] if scored_years else None
    total = results[latest].value if latest is not None else None
    target = indicator.target if latest is None else (results[latest].target or indicator.target)
    remaining = [y for y in window if latest is None or y > latest]
    shortfall = None if target is None else max(Decimal(0), target - (total or Decimal(0)))
    per_year = None
    if shortfall and remaining:
        per_year = (shortfall / len(remaining)).quantize(TWO, rounding=ROUND_HALF_UP)
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "total": _s(total),
        "target": _s(target),
        "as_of": latest,
        "shortfall": _s(shortfall),
        "remaining_years": remaining,
        "needed_per_year": _s(per_year),
        "reached": shortfall == 0 if shortfall is not None else False,
    }


def pilot_summary(county: County) -> dict | None:
    """The summary document of ``county``'s pilot (live, from stored scores), or None if it is not a pilot.

    ``county`` must already be in the user's scope. Queries: designation, scores, reports, indicators, results,
    grade bands, acceptance, the derived values and one call per app contributing facts or sections.
    """
    pilot = pilot_of(county)
    if pilot is None:
        return None
    years = list(pilot.years)
    scores = {
        s.year: s for s in CountyYearScore.objects.filter(county=county, year__in=years).order_by("year")
    }
    reports = {
        r.year: r for r in AnnualReport.objects.filter(county=county, year__in=years).only("year", "status")
    }
    indicators = list(Indicator.objects.order_by("order", "code"))
    results: dict[int, dict[int, IndicatorResult]] = {}
    for result in IndicatorResult.objects.filter(county=county, year__in=years):
        results.setdefault(result.indicator_id, {})[result.year] = result
    facts = _facts(county)
    derived = derived_values([(county.pk, y) for y in years])
    acceptance = Acceptance.objects.filter(designation=pilot).select_related("recorded_by").first()

    year_rows = []
    for year in years:
        score = scores.get(year)
        report = reports.get(year)
        year_rows.append(
            {
                "year": year,
                "score": _s(score.score) if score else None,
                "grade": score.grade if score else "",
                "final": bool(score and report and report.status == ReportStatus.APPROVED),
                "met": score.met_count if score else None,
                "scored": score.scored_count if score else None,
                "report_status": report.status if report else "",
            }
        )
    matrix = [
        {
            "code": indicator.code,
            "name": indicator.name,
            "rule": indicator.rule,
            "statuses": [
                {
                    "year": year,
                    "status": results.get(indicator.pk, {}).get(year).status
                    if year in results.get(indicator.pk, {})
                    else "",
                    "value": _s(results[indicator.pk][year].value)
                    if year in results.get(indicator.pk, {})
                    else None,
                }
                for year in years
            ],
        }
        for indicator in indicators
    ]
    cumulative = [
        _cumulative(indicator, results.get(indicator.pk, {}), pilot)
        for indicator in indicators
        if indicator.rule == Rule.CUMULATIVE_MIN
    ]
    sections = []
    for contribute in collect("summary", "summary_sections"):
        sections.extend((contribute(county, pilot) or {}).values())
    reported_years = [y for y in years if y in reports]
    return {
        "county": {"code": county.code, "name": county.name, "league": county.league.name},
        "pilot": {
            "start": pilot.start_year,
            "end": pilot.end_year,
            "batch": pilot.batch,
            "status": pilot.status,
            "latest_reported_year": reported_years[-1] if reported_years else None,
        },
        "years": year_rows,
        "indicators": matrix,
        "cumulative": cumulative,
        "completeness": {
            "approved": sum(1 for r in reports.values() if r.status == ReportStatus.APPROVED),
            "expected": len(years),
        },
        "findings": {
            "open": int(facts.get("open_findings", 0) or 0),
            "overdue": int(facts.get("overdue_findings", 0) or 0),
            "red": int(facts.get("red_findings", 0) or 0),
            "known": "open_findings" in facts,
        },
        "funds": _funds(facts),
        "tasks": {
            "completed": int(facts.get("tasks_completed", 0) or 0),
            "total": int(facts.get("tasks_total", 0) or 0),
            "known": "tasks_total" in facts,
        },
        "training": [
            {
                "year": y,
                "headcount": _s(derived.get((county.pk, y), {}).get("training_headcount"), Decimal(1)),
            }
            for y in years
        ],
        "sections": sections,
        "bands": [[b.name, _s(b.min_score)] for b in GradeBand.objects.order_by("-min_score")],
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "acceptance": acceptance_json(acceptance),
    }


def acceptance_json(acceptance: Acceptance | None) -> dict | None:
    if acceptance is None:
        return None
    user = acceptance.recorded_by
    return {
        "conclusion": acceptance.conclusion,
        "reason": acceptance.reason,
        "by": (user.get_full_name() or user.username) if user else "",
        "at": timezone.localtime(acceptance.recorded_at).isoformat(timespec="seconds"),
    }


def summary_for_display(county: County) -> tuple[dict | None, bool]:
    """``(summary, recorded)``: the snapshot stored with the acceptance once recorded, else the live summary."""
    pilot = pilot_of(county)
    if pilot is None:
        return None, False
    acceptance = Acceptance.objects.filter(designation=pilot).select_related("recorded_by").first()
    if acceptance is not None:
        summary = dict(acceptance.snapshot)
        summary["acceptance"] = acceptance_json(acceptance)
        summary["proposal"] = recorded_proposal(acceptance)
        return summary, True
    return pilot_summary(county), False


def recorded_proposal(acceptance: Acceptance) -> dict:
    """The proposal as it stood when ``acceptance`` was recorded (rules changed later do not move it): every
    check when the snapshot keeps them, else the failed rules stored beside it."""
    stored = acceptance.snapshot.get("proposal")
    checks = (
        stored["checks"]
        if stored
        else [{**rule, "outcome": "fail"} for rule in acceptance.failed_rules or []]
    )
    failed = [check for check in checks if check["outcome"] == "fail"]
    return {
        "conclusion": acceptance.proposed,
        "label": AcceptanceConclusion(acceptance.proposed).label if acceptance.proposed else "",
        "checks": checks,
        "failed": failed,
    }


def summary_json(summary: dict) -> dict:
    """The SPEC §10 JSON of a summary document: exactly the keys ``pilot_summary CODE --json`` prints."""
    score = lambda text: None if text is None else float(Decimal(text))  # noqa: E731
    funds = summary["funds"]
    return {
        "county": summary["county"]["code"],
        "pilot": {k: summary["pilot"][k] for k in ("start", "end", "batch")},
        "years": [
            {"year": y["year"], "score": score(y["score"]), "grade": y["grade"], "final": y["final"]}
            for y in summary["years"]
        ],
        "completeness": dict(summary["completeness"]),
        "findings": {k: summary["findings"][k] for k in ("open", "overdue", "red")},
        "tasks": {k: summary["tasks"][k] for k in ("completed", "total")},
        "funds": {
            k: funds[k] for k in ("allocated", "disbursed", "spent", "execution_rate", "matching_ratio")
        },
        "acceptance": summary["acceptance"],
    }


# --- The proposed conclusion ------------------------------------------------------------------------------


def rule_label(rule: AcceptanceRule) -> str:
    """The rule as the pilot summary names it, with its parameter (e.g. 资金执行率不低于 80%)."""
    if rule.kind == AcceptanceRule.Kind.FINAL_GRADE:
        return _("Final-year grade at least %(grade)s") % {
            "grade": grade_labels().get(rule.grade, rule.grade)
        }
    if rule.kind == AcceptanceRule.Kind.EXECUTION_RATE:
        rate = None if rule.threshold is None else f"{format_plain(rule.threshold * 100)}%"
        return _("Fund execution rate at least %(rate)s") % {"rate": rate or "—"}
    if rule.kind == AcceptanceRule.Kind.TASKS_COMPLETED:
        return _("At least %(n)s work-plan tasks completed") % {"n": int(rule.threshold or 0)}
    return _("No red findings")


def _judge(rule: AcceptanceRule, summary: dict) -> tuple[str, str]:
    """``(outcome, detail)`` with outcome ``pass``, ``fail`` or ``unknown`` (no data source installed)."""
    kind = AcceptanceRule.Kind
    if rule.kind == kind.FINAL_GRADE:
        bands = {name: _d(minimum) for name, minimum in summary.get("bands", [])}
        last = summary["years"][-1] if summary["years"] else None
        if last is None or last["score"] is None:
            return "fail", _("No score for the final year")
        minimum = bands.get(rule.grade)
        if minimum is None:
            return "unknown", _("Unknown grade %(grade)s") % {"grade": rule.grade}
        detail = _("%(year)s: %(score)s %(grade)s") % {
            "year": last["year"],
            "score": last["score"],
            "grade": last["grade"] or "—",
        }
        return ("pass" if _d(last["score"]) >= minimum else "fail"), detail
    if rule.kind == kind.NO_RED_FINDINGS:
        findings = summary["findings"]
        if not findings.get("known", True):
            return "unknown", _("Inspections are not recorded in the portal yet")
        return ("pass" if findings["red"] == 0 else "fail"), _("%(n)s red findings") % {"n": findings["red"]}
    if rule.kind == kind.EXECUTION_RATE:
        funds = summary["funds"]
        if not funds.get("known", True):
            return "unknown", _("Funds are not recorded in the portal yet")
        rate = _d(funds["execution_rate"])
        if rate is None:
            return "fail", _("No funds allocated")
        detail = _("Execution rate %(rate)s") % {"rate": format_percent(rate)}
        return ("pass" if rate >= (rule.threshold or 0) else "fail"), detail
    tasks = summary["tasks"]
    if not tasks.get("known", True):
        return "unknown", _("Work-plan tasks are not recorded in the portal yet")
    detail = _("%(done)s of %(total)s tasks completed") % {
        "done": tasks["completed"],
        "total": tasks["total"],
    }
    return ("pass" if tasks["completed"] >= (rule.threshold or 0) else "fail"), detail


def proposed_conclusion(summary: dict) -> dict:
    """The conclusion the rules propose: 通过 when no enabled rule fails; 不通过 when the final-year grade rule
    fails; else 限期整改. A rule whose data source is not installed is shown as not assessed and does not fail.
    """
    checks = []
    for rule in AcceptanceRule.objects.filter(enabled=True):
        outcome, detail = _judge(rule, summary)
        checks.append({"kind": rule.kind, "label": rule_label(rule), "outcome": outcome, "detail": detail})
    failed = [c for c in checks if c["outcome"] == "fail"]
    if not failed:
        conclusion = AcceptanceConclusion.PASSED
    elif any(c["kind"] == AcceptanceRule.Kind.FINAL_GRADE for c in failed):
        conclusion = AcceptanceConclusion.FAILED
    else:
        conclusion = AcceptanceConclusion.RECTIFY
    return {
        "conclusion": conclusion,
        "label": AcceptanceConclusion(conclusion).label,
        "checks": checks,
        "failed": failed,
    }


def can_record_acceptance(pilot: PilotDesignation | None, today=None) -> bool:
    """Acceptance is recorded on or after the pilot's last year."""
    today = today or timezone.localdate()
    return pilot is not None and today.year >= pilot.end_year


def money(text) -> str:
    return format_money(_d(text))


# --- Explain my score ---------------------------------------------------------------------------------------


def _who(record) -> dict | None:
    if record is None:
        return None
    user = record.history_user
    return {"user": (user.get_full_name() or user.username) if user else "", "at": record.history_date}


def explain_result(county: County, year: int, indicator: Indicator) -> dict | None:
    """Everything behind one stored indicator result: formula, each raw value with who entered or last changed it
    and when, the previous year's values, the target version in force and the report's approval. None when the
    result is not stored. ``county`` must be in the user's scope."""
    result = IndicatorResult.objects.filter(county=county, year=year, indicator=indicator).first()
    if result is None:
        return None
    numerator = list(indicator.numerator.all())
    denominator = list(indicator.denominator.all())
    elements = numerator + denominator
    reports = {r.year: r for r in AnnualReport.objects.filter(county=county, year__in=[year, year - 1])}
    values = {
        (v.report.year, v.element_id): v
        for v in DataValue.objects.filter(
            report__county=county, report__year__in=[year, year - 1], element__in=elements
        ).select_related("report")
    }
    history: dict[tuple[int, int], list] = {}
    report_ids = {r.pk: y for y, r in reports.items()}
    for record in (
        DataValue.history.filter(report_id__in=list(report_ids), element_id__in=[e.pk for e in elements])
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        history.setdefault((report_ids[record.report_id], record.element_id), []).append(record)
    derived = derived_values([(county.pk, year), (county.pk, year - 1)])
    rows = []
    for element in elements:
        records = history.get((year, element.pk), [])
        created = records[0] if records and records[0].history_type == "+" else None
        stored = values.get((year, element.pk))
        previous = values.get((year - 1, element.pk))
        if element.is_derived:
            value = derived.get((county.pk, year), {}).get(element.code)
            previous_value = derived.get((county.pk, year - 1), {}).get(element.code)
        else:
            value = stored.value if stored else None
            previous_value = previous.value if previous else None
        rows.append(
            {
                "element": element,
                "part": _("Numerator") if element in numerator else _("Denominator"),
                "value": value,
                "previous": previous_value,
                "comment": stored.comment if stored else "",
                "entered": _who(created),
                "changed": _who(records[-1]) if records and records[-1] is not created else None,
                "changes": len(records),
            }
        )
    report = reports.get(year)
    score = CountyYearScore.objects.filter(county=county, year=year).first()
    return {
        "county": county,
        "year": year,
        "indicator": indicator,
        "result": result,
        "status_label": ResultStatus(result.status).label,
        "numerator": numerator,
        "denominator": denominator,
        "rows": rows,
        "report": report,
        "final": report is not None and report.status == ReportStatus.APPROVED,
        "score": score,
        "version": version_in_force(indicator, year),
    }
