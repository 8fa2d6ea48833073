"""Read queries on inspections and findings, every one scoped to the user through ``counties.scoping``."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from counties.scoping import scope_queryset, visible_counties

from .models import Colour, Finding, FindingStatus, Inspection

FINDING_COUNTY = "inspection__county"


def inspection_list(user, *, county: str = "", kind: str = "", year=None) -> QuerySet[Inspection]:
    qs = scope_queryset(user, Inspection.objects.select_related("county__league"))
    if county:
        qs = qs.filter(county__code=county)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(date__year=year)
    return qs.annotate(
        finding_count=Count("findings"),
        open_count=Count("findings", filter=~Q(findings__status=FindingStatus.CLOSED)),
    ).order_by("-date", "-pk")


def finding_list(
    user, *, county: str = "", league: str = "", status: str = "", colour: str = "", q: str = ""
) -> QuerySet[Finding]:
    qs = scope_queryset(
        user, Finding.objects.select_related("inspection__county__league"), county_field=FINDING_COUNTY
    )
    if county:
        qs = qs.filter(inspection__county__code=county)
    if league:
        qs = qs.filter(inspection__county__league__code=league)
    if status == "not_closed":
        qs = qs.exclude(status=FindingStatus.CLOSED)
    elif status:
        qs = qs.filter(status=status)
    if colour:
        qs = qs.filter(colour=colour)
    if q:
        qs = qs.filter(Q(description__icontains=q) | Q(requirement__icontains=q))
    return qs.order_by("deadline", "pk")


def overdue_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(deadline__lt=today) & ~Q(status=FindingStatus.CLOSED)


def _open_counts(findings, today):
    """Open findings of ``findings`` counted per county: open, overdue, red, yellow, answered."""
    return (
        findings.exclude(status=FindingStatus.CLOSED)
        .values("inspection__county_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(deadline__lt=today)),
            red=Count("pk", filter=Q(colour=Colour.RED)),
            yellow=Count("pk", filter=Q(colour=Colour.YELLOW)),
            answered=Count("pk", filter=Q(status=FindingStatus.ANSWERED)),
        )
    )


def counts_by_county(county_ids, today=None) -> dict[int, dict]:
    """``{county_id: {"open": n, "overdue": n, "red": n, "yellow": n, "answered": n}}`` for these counties."""
    rows = _open_counts(
        Finding.objects.filter(inspection__county_id__in=list(county_ids)), today or timezone.localdate()
    )
    return {row.pop("inspection__county_id"): row for row in rows}


def overdue_by_county(user, today=None) -> list[dict]:
    """Visible counties with overdue or red findings: county and its counts, most overdue first."""
    rows = _open_counts(
        Finding.objects.filter(inspection__county__in=visible_counties(user).values("pk")),
        today or timezone.localdate(),
    ).filter(Q(overdue__gt=0) | Q(red__gt=0))
    counts = {row.pop("inspection__county_id"): row for row in rows}
    counties = visible_counties(user).in_bulk(list(counts)) if counts else {}
    rows = [{"county": counties[pk], **figures} for pk, figures in counts.items()]
    return sorted(rows, key=lambda r: (-r["red"], -r["overdue"], r["county"].code))


def overdue_by_league(rows: list[dict]) -> list[dict]:
    totals: dict = defaultdict(lambda: {"open": 0, "overdue": 0, "red": 0, "counties": 0})
    leagues = {}
    for row in rows:
        league = row["county"].league
        leagues[league.pk] = league
        bucket = totals[league.pk]
        bucket["open"] += row["open"]
        bucket["overdue"] += row["overdue"]
        bucket["red"] += row["red"]
        bucket["counties"] += 1
    return sorted(
        ({"league": leagues[pk], **figures} for pk, figures in totals.items()),
        key=lambda r: (-r["overdue"], r["league"].code),
    )


def timeline(finding: Finding) -> list:
    """The finding's steps, oldest first, each with the evidence submitted with it."""
    steps = list(finding.transitions.select_related("actor").prefetch_related("evidence"))
    return steps
