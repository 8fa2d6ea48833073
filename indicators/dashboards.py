"""Read-side selectors of the dashboards: stored results and scores only, never a recomputation.

Each function runs a bounded number of queries whatever the number of counties and years, and scopes every
county through ``counties.scoping``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from config import registry
from counties.models import County, League, PilotDesignation
from counties.scoping import visible_counties

from . import selectors
from .models import (
    AnnualReport,
    CountyYearScore,
    GradeBand,
    Indicator,
    IndicatorResult,
    ReportStatus,
    ResultStatus,
    Rule,
    StaleScore,
)

STATUS_ORDER = [
    ResultStatus.MET,
    ResultStatus.NOT_MET,
    ResultStatus.MISSING,
    ResultStatus.IN_PROGRESS,
    ResultStatus.NOT_APPLICABLE,
]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def final_pairs(county_ids, years=None) -> set[tuple[int, int]]:
    """(county_id, year) pairs whose score is final (正式): the report is approved. Every other stored score is
    provisional (暂定). One query."""
    reports = AnnualReport.objects.filter(county_id__in=list(county_ids), status=ReportStatus.APPROVED)
    if years is not None:
        reports = reports.filter(year__in=list(years))
    return set(reports.values_list("county_id", "year"))


def pilot_in_year(county: County, year: int | None) -> bool:
    """Whether ``county`` was a pilot in ``year`` (its pilot window; the baseline year is not a pilot year).

    Rankings and pilot averages of a year hold exactly these counties; a county designated later belongs to the
    comparison group of earlier years (SPEC §5, rankings follow the pilot window).
    """
    pilot = getattr(county, "pilot", None)
    return pilot is not None and year is not None and pilot.start_year <= year <= pilot.end_year


@dataclass
class Filters:
    year: int | None = None
    league: str = ""
    batch: int | None = None

    @classmethod
    def from_query(cls, query) -> Filters:
        return cls(
            year=_int(query.get("year")),
            league=(query.get("league") or "").strip(),
            batch=_int(query.get("batch")),
        )


@dataclass
class PilotRow:
    county: County
    score: Decimal | None = None
    grade: str = ""
    met_count: int = 0
    scored_count: int = 0
    missing_count: int = 0
    history: list = field(default_factory=list)  # [(year, score)] ascending
    stale: bool = False
    final: bool = False
    rank: int | None = None
    grade_class: str = "secondary"

    @property
    def sparkline(self) -> str:
        """The score history as JSON ``[[year, score], …]`` for the trend sparkline."""
        return json.dumps([[year, _num(score)] for year, score in self.history])


def grade_classes(bands: list[str]) -> dict[str, str]:
    """A Bootstrap colour per grade band, best first (band names are data, so colours go by rank)."""
    palette = ["success", "primary", "warning", "danger"]
    classes = {}
    for index, band in enumerate(bands):
        classes[band] = "danger" if index == len(bands) - 1 and index else palette[min(index, 2)]
    return classes


def score_years(counties: QuerySet) -> list[int]:
    """Years that have stored scores among these counties, newest first."""
    return list(
        CountyYearScore.objects.filter(county__in=counties.values("pk"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def stale_pairs(counties: QuerySet) -> list[tuple[int, int]]:
    """(county_id, year) pairs whose stored scores are being recomputed."""
    return list(StaleScore.objects.filter(county__in=counties.values("pk")).values_list("county_id", "year"))


def _filtered_counties(scope, filters: Filters) -> list:
    counties = scope.select_related("league", "pilot").order_by("code")
    if filters.league:
        counties = counties.filter(league__code=filters.league)
    if filters.batch:
        counties = counties.filter(pilot__batch=filters.batch)
    return list(counties)


def _pilot_rows(counties, scores, year, stale_counties, final, classes) -> list[PilotRow]:
    """The pilots of ``year`` ranked by their score (unscored last), with their score history."""
    pilots = []
    for county in counties:
        if not pilot_in_year(county, year):
            continue
        row = PilotRow(county=county, stale=county.pk in stale_counties, final=(county.pk, year) in final)
        row.history = [(y, s.score) for y, s in scores[county.pk].items()]
        current = scores[county.pk].get(year)
        if current is not None:
            row.score, row.grade = current.score, current.grade
            row.met_count, row.scored_count = current.met_count, current.scored_count
            row.missing_count = current.missing_count
            row.grade_class = classes.get(current.grade, "secondary")
        pilots.append(row)
    pilots.sort(key=lambda r: (r.score is None, -(r.score or 0), r.county.code))
    for rank, row in enumerate((r for r in pilots if r.score is not None), start=1):
        row.rank = rank
    return pilots


def _compliance(pilot_ids, year) -> list[dict]:
    """Per indicator: how many pilots are in each status in ``year``."""
    counts = defaultdict(Counter)
    if year is not None:
        for indicator_id, status, n in (
            IndicatorResult.objects.filter(county_id__in=pilot_ids, year=year)
            .values_list("indicator_id", "status")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            counts[indicator_id][status] = n
    return [
        {
            "indicator": indicator,
            "counts": [counts[indicator.pk].get(status, 0) for status in STATUS_ORDER],
            "met": counts[indicator.pk].get(ResultStatus.MET, 0),
            "total": sum(counts[indicator.pk].values()),
        }
        for indicator in Indicator.objects.order_by("order", "code")
    ]


def _scores_by_league(counties, scores, year, final):
    """Scores of ``year`` grouped by league and kind (pilot of that year or comparison), and the map's points."""
    by_league = defaultdict(lambda: {"pilot": [], "other": []})
    map_data = []
    for county in counties:
        current = scores[county.pk].get(year)
        if current is None or current.score is None:
            continue
        kind = "pilot" if pilot_in_year(county, year) else "other"
        by_league[county.league_id][kind].append(current)
        map_data.append(
            {
                "name": county.code,
                "value": _num(current.score),
                "county": county.name,
                "grade": current.grade,
                "pilot": kind == "pilot",
                "final": (county.pk, year) in final,
            }
        )
    return by_league, map_data


def _league_rows(leagues, by_league, bands, year, final) -> list[dict]:
    rows = []
    for league in leagues:
        groups = by_league.get(league.pk)
        if not groups or not (groups["pilot"] or groups["other"]):
            continue
        every = groups["pilot"] + groups["other"]
        rows.append(
            {
                "league": league,
                "grades": [sum(1 for s in every if s.grade == band) for band in bands],
                "pilot_avg": _average(groups["pilot"]),
                "provisional": sum(1 for s in every if (s.county_id, year) not in final),
                "other_avg": _average(groups["other"]),
                "count": len(every),
                "scores": sorted(_num(s.score) for s in every),
            }
        )
    return rows


def overview(user, filters: Filters) -> dict:
    """The region (or league) overview for ``user``: pilots ranked by score, compliance per indicator,
    scores per league, the map and what is being recomputed. Reads stored scores only."""
    scope = visible_counties(user)
    years = score_years(scope)
    # Default: the latest completed year with scores (year Y is assessed during Y + 1), else the latest.
    this_year = timezone.localdate().year
    default_year = next((y for y in years if y < this_year), years[0] if years else None)
    year = filters.year if filters.year in years else default_year
    leagues = list(League.objects.filter(pk__in=scope.values("league_id")).order_by("code"))
    batches = sorted(
        set(PilotDesignation.objects.filter(county__in=scope.values("pk")).values_list("batch", flat=True))
    )

    counties = _filtered_counties(scope, filters)
    county_ids = [c.pk for c in counties]

    scores = defaultdict(dict)
    for s in CountyYearScore.objects.filter(county_id__in=county_ids).order_by("year"):
        scores[s.county_id][s.year] = s
    stale = stale_pairs(scope.filter(pk__in=county_ids))
    stale_counties = {c for c, _y in stale}
    final = final_pairs(county_ids, [year] if year is not None else [])

    bands = [b.name for b in GradeBand.objects.order_by("-min_score")]
    labels = selectors.grade_labels()
    classes = grade_classes(bands)
    pilots = _pilot_rows(counties, scores, year, stale_counties, final, classes)
    compliance = _compliance([r.county.pk for r in pilots], year)
    by_league, map_data = _scores_by_league(counties, scores, year, final)
    league_rows = _league_rows(leagues, by_league, bands, year, final)

    return {
        "year": year,
        "years": years,
        "leagues": leagues,
        "batches": batches,
        "filters": filters,
        "pilots": pilots,
        "compliance": compliance,
        "bands": bands,
        "league_rows": league_rows,
        "map_data": map_data,
        "stale_count": len(stale),
        "stale_counties": len(stale_counties),
        "chart": {
            "year": year,
            "bands": [labels.get(band, band) for band in bands],
            "map": map_data,
            "focus_league": filters.league,
            "county_scores": sorted(
                ({"name": m["county"], "value": m["value"], "pilot": m["pilot"]} for m in map_data),
                key=lambda m: -m["value"],
            ),
            "compliance": {
                "labels": [row["indicator"].name for row in compliance],
                "statuses": [str(ResultStatus(s).label) for s in STATUS_ORDER],
                "series": [[row["counts"][i] for row in compliance] for i in range(len(STATUS_ORDER))],
            },
            "leagues": {
                "labels": [row["league"].name for row in league_rows],
                "grades": [[row["grades"][i] for row in league_rows] for i in range(len(bands))],
                "pilot_avg": [row["pilot_avg"] for row in league_rows],
                "other_avg": [row["other_avg"] for row in league_rows],
            },
            "labels": {
                "score": _("Score"),
                "pilot_avg": _("Pilot average"),
                "other_avg": _("Comparison group average"),
                "no_score": _("No score"),
                "pilot": _("Pilot"),
                "other": _("Not a pilot"),
            },
        },
    }


def _average(scores: list[CountyYearScore]) -> float | None:
    values = [s.score for s in scores if s.score is not None]
    if not values:
        return None
    return round(float(sum(values) / len(values)), 2)


def _with_grade_class(scores) -> list[CountyYearScore]:
    """The scores with ``grade_class`` and ``final`` (report approved) set on each."""
    classes = grade_classes([b.name for b in GradeBand.objects.order_by("-min_score")])
    scores = list(scores)
    final = final_pairs({s.county_id for s in scores}) if scores else set()
    for score in scores:
        score.grade_class = classes.get(score.grade, "secondary")
        score.final = (score.county_id, score.year) in final
    return scores


@dataclass
class IndicatorLine:
    indicator: Indicator
    results: dict = field(default_factory=dict)  # year → stored result (a dict of its fields)
    by_year: list = field(default_factory=list)  # [(year, result or None)] for every year shown


def county_scores(county: County) -> dict:
    """A county's stored results over the years: per indicator value against target, scores, what is missing.

    ``county`` must already be in the user's scope (``get_county_or_404``).
    """
    indicators = list(Indicator.objects.order_by("order", "code"))
    results = list(
        IndicatorResult.objects.filter(county=county)
        .order_by("year")
        .values(
            "indicator_id", "year", "value", "previous_value", "target", "status", "reason", "computed_at"
        )
    )
    scores = _with_grade_class(CountyYearScore.objects.filter(county=county).order_by("year"))
    stale_years = sorted(StaleScore.objects.filter(county=county).values_list("year", flat=True))
    years = sorted({r["year"] for r in results} | {s.year for s in scores})
    lines = {i.pk: IndicatorLine(indicator=i) for i in indicators}
    for r in results:
        r["status_label"] = ResultStatus(r["status"]).label
        lines[r["indicator_id"]].results[r["year"]] = r
    lines = list(lines.values())
    for line in lines:
        line.by_year = [(year, line.results.get(year)) for year in years]
    latest = scores[-1] if scores else None
    latest_year = latest.year if latest else None
    missing = [
        {"year": r["year"], "indicator": line.indicator, "reason": r["reason"]}
        for line in lines
        for r in line.results.values()
        if r["status"] == ResultStatus.MISSING
    ]
    missing.sort(key=lambda m: (-m["year"], m["indicator"].order))
    pilot = getattr(county, "pilot", None)
    chart = {
        "years": years,
        "scores": [_num(s.score) for s in scores],
        "score_years": [s.year for s in scores],
        "pilot_years": [pilot.start_year, pilot.end_year] if pilot else None,
        "indicators": [
            {
                "code": line.indicator.code,
                "name": line.indicator.name,
                "unit": line.indicator.unit,
                "rule": line.indicator.rule,
                "values": [_num(line.results[y]["value"]) if y in line.results else None for y in years],
                "targets": [_num(line.results[y]["target"]) if y in line.results else None for y in years],
                "statuses": [line.results[y]["status"] if y in line.results else None for y in years],
            }
            for line in lines
        ],
        "labels": {
            "score": _("Score"),
            "value": _("Value"),
            "target": _("Target"),
            "previous": _("Previous year"),
        },
    }
    return {
        "county": county,
        "pilot": pilot,
        "years": years,
        "lines": lines,
        "scores": scores,
        "latest": latest,
        "latest_year": latest_year,
        "latest_lines": [(line, line.results.get(latest_year)) for line in lines] if latest else [],
        "missing": missing,
        "stale_years": stale_years,
        "rules": dict(Rule.choices),
        "chart": chart,
    }


def county_summary(county: County) -> dict:
    """The small score panel of the county page: score history and the latest year's counts."""
    scores = _with_grade_class(CountyYearScore.objects.filter(county=county).order_by("year"))
    stale_years = sorted(StaleScore.objects.filter(county=county).values_list("year", flat=True))
    latest = scores[-1] if scores else None
    missing = []
    if latest is not None:
        missing = list(
            IndicatorResult.objects.filter(county=county, year=latest.year, status=ResultStatus.MISSING)
            .select_related("indicator")
            .order_by("indicator__order")
        )
    return {
        "county": county,
        "scores": scores,
        "latest": latest,
        "stale_years": stale_years,
        "missing": missing,
        "sparkline": [[s.year, _num(s.score)] for s in scores],
    }


LOW_EXECUTION = Decimal("0.8")


def region_standing(user) -> dict:
    """ "Where do we stand" for the region's home page, in a bounded number of queries: the pilots of the latest
    completed year by grade (final and provisional), reports pending review / returned / overdue (a past pilot
    year not yet submitted), and from the other apps' facts (``config.registry.county_facts``) the pilots with
    red findings or a fund execution rate below 80 %."""
    this_year = timezone.localdate().year
    scope = visible_counties(user)
    pilots = list(scope.filter(pilot__isnull=False).select_related("pilot", "league").order_by("code"))
    pilot_ids = [c.pk for c in pilots]
    years = score_years(scope.filter(pk__in=pilot_ids))
    year = next((y for y in years if y < this_year), years[0] if years else None)
    in_year = [c for c in pilots if pilot_in_year(c, year)]
    scores = {
        s.county_id: s
        for s in CountyYearScore.objects.filter(county_id__in=[c.pk for c in in_year], year=year)
    }
    final = final_pairs([c.pk for c in in_year], [year] if year is not None else [])
    bands = [b.name for b in GradeBand.objects.order_by("-min_score")]
    classes = grade_classes(bands)
    grades = {band: {"final": 0, "provisional": 0} for band in bands}
    unscored = 0
    for county in in_year:
        score = scores.get(county.pk)
        if score is None or not score.grade:
            unscored += 1
            continue
        kind = "final" if (county.pk, year) in final else "provisional"
        grades.setdefault(score.grade, {"final": 0, "provisional": 0})[kind] += 1
    reports = AnnualReport.objects.filter(county_id__in=pilot_ids)
    status_counts = Counter(reports.values_list("status", flat=True))
    submitted_pairs = set(
        reports.filter(
            year__lt=this_year, status__in=(ReportStatus.SUBMITTED, ReportStatus.APPROVED)
        ).values_list("county_id", "year")
    )
    overdue = []
    for county in pilots:
        pilot = county.pilot
        for pilot_year in range(pilot.start_year, min(pilot.end_year, this_year - 1) + 1):
            if (county.pk, pilot_year) not in submitted_pairs:
                overdue.append((county, pilot_year))
    facts = registry.county_facts(pilot_ids)
    red = [(c, facts[c.pk]["red_findings"]) for c in pilots if facts.get(c.pk, {}).get("red_findings")]
    low = [
        (c, facts[c.pk]["fund_execution_rate"])
        for c in pilots
        if facts.get(c.pk, {}).get("fund_execution_rate") is not None
        and facts[c.pk]["fund_execution_rate"] < LOW_EXECUTION
    ]
    return {
        "year": year,
        "pilot_count": len(in_year),
        "grades": [
            {"band": band, "class": classes.get(band, "secondary"), **grades.get(band, {})} for band in bands
        ],
        "unscored": unscored,
        "pending": status_counts.get(ReportStatus.SUBMITTED, 0),
        "returned": status_counts.get(ReportStatus.RETURNED, 0),
        "overdue": overdue,
        "red": red,
        "low_execution": low,
        "facts_known": any(facts.get(c, {}) for c in pilot_ids),
    }
