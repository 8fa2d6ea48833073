"""Read queries on annual reports: years a county reports, values, previous-year values, history, grids.

Every function that lists county data takes the user and scopes through ``counties.scoping``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from config import formatting
from counties.models import County, PilotDesignation
from counties.scoping import visible_counties

from .deadlines import deadlines_for, is_overdue
from .models import (
    AnnualReport,
    CountyYearScore,
    DataElement,
    DataValue,
    GradeBand,
    Indicator,
    ReportStatus,
    ReportTransition,
)
from .targets import load_versions

NON_PILOT_YEARS = 5  # a county that is not a pilot may report the current year and the five before it

# Work plan topics: the targets (二) and the plan (三) share the numbering (一)…(七), so elements are grouped
# by the topic number of their policy section ("二(二)" and "三(二)1" both belong to (二)).
SECTION_TITLES = {
    "": _("Basic data"),
    "一": _("IP administration"),
    "二": _("IP creation"),
    "三": _("Enterprise IP work"),
    "四": _("IP utilisation"),
    "五": _("IP protection"),
    "六": _("IP services"),
    "七": _("IP publicity and training"),
}
_TOPIC_ORDER = list(SECTION_TITLES)


def current_year() -> int:
    return timezone.localdate().year


def report_years(county: County) -> list[int]:
    """Years a county may report: baseline (pilot start − 1) to the current year; else the last few years."""
    this_year = current_year()
    pilot = _pilot_of(county)
    if pilot is not None:
        first = min(pilot.baseline_year, this_year)
        return list(range(first, max(this_year, first) + 1))
    return list(range(this_year - NON_PILOT_YEARS, this_year + 1))


def report_years_span() -> list[int]:
    """Years offered in filters: from the earliest report (or six years back) to the current year, newest first."""
    this_year = current_year()
    first = AnnualReport.objects.order_by("year").values_list("year", flat=True).first()
    first = min(first or this_year, this_year - NON_PILOT_YEARS)
    return list(range(this_year, first - 1, -1))


def _pilot_of(county: County) -> PilotDesignation | None:
    try:
        return county.pilot
    except PilotDesignation.DoesNotExist:
        return None


def section_topic(section: str) -> str:
    """The work-plan topic numeral of a section label: ``"三(二)1"`` → ``"二"``; base data → ``""``."""
    if "(" in section and ")" in section:
        return section[section.index("(") + 1 : section.index(")")]
    return ""


@dataclass
class ElementGroup:
    topic: str
    title: str
    elements: list = field(default_factory=list)


def group_elements(elements) -> list[ElementGroup]:
    """Elements grouped by work-plan topic, in topic order then catalogue order."""
    groups: dict[str, ElementGroup] = {}
    for element in elements:
        topic = section_topic(element.section)
        if topic not in groups:
            groups[topic] = ElementGroup(topic, SECTION_TITLES.get(topic, element.section))
        groups[topic].elements.append(element)
    order = {topic: i for i, topic in enumerate(_TOPIC_ORDER)}
    return sorted(groups.values(), key=lambda g: order.get(g.topic, len(order)))


def catalogue_elements() -> dict[str, DataElement]:
    return {e.code: e for e in DataElement.objects.all()}


def report_for(county: County, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(county=county, year=year).first()


def stored_values(report: AnnualReport | None) -> dict[str, DataValue]:
    """The report's stored values by element code (with their comments)."""
    if report is None or report.pk is None:
        return {}
    return {v.element.code: v for v in DataValue.objects.filter(report=report).select_related("element")}


def values_for(county_id: int, year: int) -> dict[str, Decimal | None]:
    """Typed values of the (county, year) report by element code; empty when there is no report."""
    rows = DataValue.objects.filter(report__county_id=county_id, report__year=year).values_list(
        "element__code", "value"
    )
    return dict(rows)


def previous_values(county_id: int, year: int) -> dict[str, Decimal | None]:
    """Last year's typed values, the reference for the large-change warning and the ``increase`` rule."""
    return values_for(county_id, year - 1)


def cumulative_before(county: County, year: int, element_codes) -> dict[str, Decimal]:
    """Sums of ``element_codes`` over the pilot years before ``year`` (for ``cumulative_min`` progress)."""
    pilot = _pilot_of(county)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    if pilot is None:
        return dict(totals)
    rows = DataValue.objects.filter(
        report__county=county,
        report__year__gte=pilot.start_year,
        report__year__lt=year,
        element__code__in=list(element_codes),
        value__isnull=False,
    ).values_list("element__code", "value")
    for code, value in rows:
        totals[code] += value
    return dict(totals)


def indicator_formulas() -> list[dict]:
    """Each indicator as plain data for the entry page's live calculation (json_script)."""
    indicators = Indicator.objects.prefetch_related("numerator", "denominator")
    return [
        {
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "numerator": [e.code for e in i.numerator.all()],
            "denominator": [e.code for e in i.denominator.all()],
            "factor": str(i.factor),
            "rule": i.rule,
            "target": None if i.target is None else str(i.target),
        }
        for i in indicators
    ]


def history_rows(report: AnnualReport) -> list[dict]:
    """Every change of the report's values, newest first: element, old → new, comment, user, time, reason."""
    if report is None or report.pk is None:
        return []
    history = (
        DataValue.history.filter(report_id=report.pk)
        .select_related("history_user")
        .order_by("element_id", "history_date", "history_id")
    )
    elements = {e.pk: e for e in DataElement.objects.all()}
    rows = []
    last: dict[int, object] = {}
    for record in history:
        old = last.get(record.element_id) if record.history_type != "+" else None
        last[record.element_id] = record.value
        if record.history_type == "~" and old == record.value:
            continue  # only the comment changed
        element = elements.get(record.element_id)
        new = None if record.history_type == "-" else record.value
        rows.append(
            {
                "element": element,
                "old": old,
                "old_text": formatting.format_value(old, element.value_type, places=None, empty="")
                if element
                else "",
                "new_text": formatting.format_value(new, element.value_type, places=None, empty="")
                if element
                else "",
                "new": new,
                "kind": record.history_type,
                "comment": record.comment,
                "user": record.history_user,
                "time": record.history_date,
                "reason": record.history_change_reason or "",
            }
        )
    rows.sort(key=lambda row: row["time"], reverse=True)
    return rows


@dataclass
class ReviewChanges:
    """What changed in a report since its previous submission or approval (``since``: that step, or None when the
    report has never been submitted or approved before: everything is new)."""

    since: object
    rows: list


def _baseline_step(report: AnnualReport, steps=None):
    """The step the reviewer compares against: the last submission or approval before the current submission
    (for a submitted report), else the last submission or approval."""
    steps = [
        t
        for t in (report.transitions.all() if steps is None else steps)
        if t.to_status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
    ]
    steps.sort(key=lambda t: (t.created_at, t.pk))
    if report.status == ReportStatus.SUBMITTED and steps and steps[-1].to_status == ReportStatus.SUBMITTED:
        steps = steps[:-1]
    return steps[-1] if steps else None


def changes_since_review(report: AnnualReport | None, *, steps=None) -> ReviewChanges | None:
    """Each element whose value changed since the previous submission or approval: element, old → new, who
    changed it last and when (from the values' history). None for a report that has no earlier version."""
    if report is None or report.pk is None:
        return None
    since = _baseline_step(report, steps)
    if since is None:
        return None
    history = (
        DataValue.history.filter(report_id=report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    before: dict[int, object] = {}
    after: dict[int, object] = {}
    for record in history:
        value = None if record.history_type == "-" else record.value
        if record.history_date <= since.created_at:
            before[record.element_id] = value
        else:
            after[record.element_id] = (value, record.history_user, record.history_date)
    elements = {e.pk: e for e in DataElement.objects.all()}
    rows = []
    for element_id, (new, user, when) in after.items():
        old = before.get(element_id)
        if old == new:
            continue
        element = elements[element_id]
        rows.append(
            {
                "element": element,
                "old_text": formatting.format_value(old, element.value_type, places=None, empty=""),
                "new_text": formatting.format_value(new, element.value_type, places=None, empty=""),
                "user": user,
                "time": when,
            }
        )
    rows.sort(key=lambda row: (row["element"].order, row["element"].code))
    return ReviewChanges(since=since, rows=rows)


def review_queue(user, *, league: str = "", year: str = ""):
    """Submitted reports the user may see, oldest submission first."""
    qs = AnnualReport.objects.filter(
        status=ReportStatus.SUBMITTED, county__in=visible_counties(user).values("pk")
    ).select_related("county__league", "submitted_by")
    if league:
        qs = qs.filter(county__league__code=league)
    if year and str(year).isdigit():
        qs = qs.filter(year=int(year))
    return qs.order_by("submitted_at", "county__code", "year")


def review_rows(reports) -> list[dict]:
    """For each report of a review queue page: its score and grade, how many values carry an explanation of a
    warning (a large change confirmed by a comment), and what changed since its previous submission or approval."""
    reports = list(reports)
    if not reports:
        return []
    ids = [r.pk for r in reports]
    explained = dict(
        DataValue.objects.filter(report_id__in=ids)
        .exclude(comment="")
        .values("report_id")
        .annotate(n=models.Count("id"))
        .values_list("report_id", "n")
    )
    scores = {
        (s.county_id, s.year): s
        for s in CountyYearScore.objects.filter(
            county_id__in={r.county_id for r in reports}, year__in={r.year for r in reports}
        )
    }
    steps = defaultdict(list)
    for step in ReportTransition.objects.filter(report_id__in=ids):
        steps[step.report_id].append(step)
    rows = []
    for report in reports:
        rows.append(
            {
                "report": report,
                "score": scores.get((report.county_id, report.year)),
                "warnings": explained.get(report.pk, 0),
                "changes": changes_since_review(report, steps=steps[report.pk]),
            }
        )
    return rows


@dataclass
class GridRow:
    county: County
    cells: list  # [(year, report or None, in_range, overdue)]


MISSING, OVERDUE = "missing", "overdue"
GRID_STATUS_FILTERS = [
    *ReportStatus.choices,
    (MISSING, _("Not reported")),
    (OVERDUE, _("Overdue")),
]


def _cell_matches(cell, status: str) -> bool:
    _year, report, in_range, overdue = cell
    if status == OVERDUE:
        return overdue
    if status == MISSING:
        return in_range and report is None
    return report is not None and report.status == status


def completeness_grid(
    user, *, league: str = "", batch: str = "", pilots_only: bool = False, status: str = "", years=None
):
    """Counties in scope × years with each report's status; two queries whatever the number of counties.

    ``status`` (a report status, ``missing`` or ``overdue``) keeps the counties with at least one such year."""
    this_year = current_year()
    years = list(years or range(this_year - NON_PILOT_YEARS, this_year + 1))
    counties = visible_counties(user).select_related("league", "pilot").order_by("code")
    if league:
        counties = counties.filter(league__code=league)
    if batch:
        counties = counties.filter(pilot__batch=batch)
    if pilots_only:
        counties = counties.filter(pilot__isnull=False)
    counties = list(counties)
    reports = AnnualReport.objects.filter(county__in=[c.pk for c in counties], year__in=years).only(
        "id", "county_id", "year", "status", "updated_at"
    )
    by_pair = {(r.county_id, r.year): r for r in reports}
    deadlines = deadlines_for(years)
    today = timezone.localdate()
    rows = []
    totals = {year: {"expected": 0, "overdue": 0, **{s: 0 for s in ReportStatus.values}} for year in years}
    for county in counties:
        expected = set(report_years(county))
        cells = []
        for year in years:
            report = by_pair.get((county.pk, year))
            in_range = year in expected
            overdue = in_range and is_overdue(report.status if report else None, deadlines[year], today)
            cells.append((year, report, in_range, overdue))
            if in_range:
                totals[year]["expected"] += 1
                totals[year]["overdue"] += overdue
            if report is not None:
                totals[year][report.status] += 1
        rows.append(GridRow(county, cells))
    if status in dict(GRID_STATUS_FILTERS):
        rows = [row for row in rows if any(_cell_matches(cell, status) for cell in row.cells)]
    return rows, years, totals, deadlines


def county_report_years(county: County) -> list[tuple[int, AnnualReport | None]]:
    """A county's reportable years (newest first) with its report for each, one query."""
    years = report_years(county)
    reports = {r.year: r for r in AnnualReport.objects.filter(county=county, year__in=years)}
    return [(year, reports.get(year)) for year in reversed(years)]


def grade_labels() -> dict[str, str]:
    """``{band name: label in the active language}``: band names are Chinese data, ``name_en`` their English."""
    english = (translation.get_language() or "").startswith("en")
    return {
        name: (name_en or name) if english else name
        for name, name_en in GradeBand.objects.values_list("name", "name_en")
    }


def programme_years() -> list[int]:
    """The programme's years, newest first: from the earliest pilot baseline year or stored report (at least the
    years a non-pilot may report) to the current year. Year pickers offer these, not 2000–today."""
    this_year = current_year()
    firsts = [this_year - NON_PILOT_YEARS]
    first_report = AnnualReport.objects.order_by("year").values_list("year", flat=True).first()
    first_start = PilotDesignation.objects.order_by("start_year").values_list("start_year", flat=True).first()
    if first_report:
        firsts.append(first_report)
    if first_start:
        firsts.append(first_start - 1)
    return list(range(this_year, min(firsts) - 1, -1))


def element_targets(codes, year: int) -> dict[str, Decimal | None]:
    """The catalogue's target in force for ``year`` (``indicators.targets``) of the indicator measuring each data
    element on its own (numerator is that element alone, no denominator), by element code; ``None`` when no such
    indicator has a target."""
    targets: dict[str, Decimal | None] = dict.fromkeys(codes)
    indicators = Indicator.objects.filter(
        numerator__code__in=list(targets), denominator=None
    ).prefetch_related("numerator")
    versions = load_versions()
    for indicator in indicators:
        numerator = [e.code for e in indicator.numerator.all()]
        if len(numerator) == 1 and targets.get(numerator[0]) is None:
            targets[numerator[0]] = versions.indicator(indicator, year).target
    return targets
