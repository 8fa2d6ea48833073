"""Read queries of the training app.

``derived_values`` is the contract the indicators app relies on (scoring and the entry page):

* ``training_headcount`` = the summed audience headcounts (人次) of the year's events of kind 培训 only — the
  work plan's target is 教育培训 ≥ 100 人次, so people reached by publicity activities do not count;
* ``publicity_week_events`` = the number of the year's events (of either kind) flagged as 4·26 week.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from counties.models import County
from counties.scoping import scope_queryset, visible_counties
from indicators.selectors import element_targets

from .models import (
    AudienceCategory,
    EventAudience,
    EventEvidence,
    EventKind,
    TrainingEvent,
)


def derived_values(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Decimal]]:
    """``{(county_id, year): {"training_headcount": Decimal, "publicity_week_events": Decimal}}`` for each pair.

    A pair with no events gets 0 for both (no training held is 0 人次, never missing). Two queries whatever
    the number of pairs.
    """
    result = {
        (int(c), int(y)): {"training_headcount": Decimal(0), "publicity_week_events": Decimal(0)}
        for c, y in pairs
    }
    if not result:
        return result
    county_ids = {c for c, _y in result}
    years = {y for _c, y in result}
    headcounts = (
        EventAudience.objects.filter(
            event__kind=EventKind.TRAINING, event__county_id__in=county_ids, event__year__in=years
        )
        .values_list("event__county_id", "event__year")
        .annotate(total=Sum("headcount"))
        .order_by()
    )
    for county_id, year, total in headcounts:
        if (county_id, year) in result:
            result[(county_id, year)]["training_headcount"] = Decimal(total or 0)
    weeks = (
        TrainingEvent.objects.filter(in_publicity_week=True, county_id__in=county_ids, year__in=years)
        .values_list("county_id", "year")
        .annotate(n=Count("id"))
        .order_by()
    )
    for county_id, year, n in weeks:
        if (county_id, year) in result:
            result[(county_id, year)]["publicity_week_events"] = Decimal(n)
    return result


def _headcount_subquery(category: str | None = None):
    audiences = EventAudience.objects.filter(event=OuterRef("pk"))
    if category:
        audiences = audiences.filter(category=category)
    return Coalesce(
        Subquery(
            audiences.order_by().values("event").annotate(total=Sum("headcount")).values("total")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def event_list(
    user,
    *,
    county: str = "",
    year: int | None = None,
    kind: str = "",
    category: str = "",
    publicity_week: str = "",
    q: str = "",
) -> QuerySet[TrainingEvent]:
    """Events visible to ``user``, filtered, each annotated with ``headcount`` and per-category headcounts."""
    qs = scope_queryset(user, TrainingEvent.objects.select_related("county", "county__league"))
    if county:
        qs = qs.filter(county__code=county)
    if year:
        qs = qs.filter(year=year)
    if kind in EventKind.values:
        qs = qs.filter(kind=kind)
    if category in AudienceCategory.values:
        qs = qs.filter(audiences__category=category, audiences__headcount__gt=0)
    if publicity_week == "yes":
        qs = qs.filter(in_publicity_week=True)
    elif publicity_week == "no":
        qs = qs.filter(in_publicity_week=False)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(place__icontains=q) | Q(organiser_name__icontains=q))
    qs = qs.annotate(
        headcount=_headcount_subquery(),
        **{f"headcount_{c}": _headcount_subquery(c) for c in AudienceCategory.values},
        evidence_count=Coalesce(
            Subquery(
                EventEvidence.objects.filter(event=OuterRef("pk"))
                .order_by()
                .values("event")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )
    return qs.order_by("-date", "-pk")


def list_totals(qs: QuerySet[TrainingEvent]) -> dict:
    """Totals over a filtered event list: events, training headcount, 4·26 events (two queries)."""
    ids = qs.order_by().values("pk")
    counts = TrainingEvent.objects.filter(pk__in=ids).aggregate(
        events=Count("pk"),
        trainings=Count("pk", filter=Q(kind=EventKind.TRAINING)),
        week=Count("pk", filter=Q(in_publicity_week=True)),
    )
    headcount = EventAudience.objects.filter(event__in=ids).aggregate(
        all=Sum("headcount"), training=Sum("headcount", filter=Q(event__kind=EventKind.TRAINING))
    )
    return counts | {"headcount": headcount["all"] or 0, "training_headcount": headcount["training"] or 0}


@dataclass
class Progress:
    """One county's yearly progress toward the catalogue's targets: training 人次 (work plan: 100) and 4·26 week
    activities (≥ 1). The targets are the current ones of the indicators scoring these values, so the page and
    the score agree when the regional office edits a target."""

    county: County
    year: int
    training_headcount: int = 0
    publicity_week_events: int = 0
    events: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    headcount_target: int = 0
    publicity_target: int = 0

    @property
    def headcount_met(self) -> bool:
        return self.training_headcount >= self.headcount_target

    @property
    def publicity_met(self) -> bool:
        return self.publicity_week_events >= self.publicity_target

    @property
    def met(self) -> bool:
        return self.headcount_met and self.publicity_met

    @property
    def headcount_percent(self) -> int:
        if not self.headcount_target:
            return 100
        return min(100, round(100 * self.training_headcount / self.headcount_target))

    @property
    def category_rows(self) -> list[tuple[str, int]]:
        return [(c.label, self.by_category.get(c.value, 0)) for c in AudienceCategory]


def progress_for(counties: Iterable[County], year: int) -> list[Progress]:
    """Progress of each county in ``year``: three queries whatever the number of counties."""
    targets = {
        code: int(target or 0)
        for code, target in element_targets(["training_headcount", "publicity_week_events"], year).items()
    }
    rows = {
        county.pk: Progress(
            county=county,
            year=year,
            headcount_target=targets["training_headcount"],
            publicity_target=targets["publicity_week_events"],
        )
        for county in counties
    }
    if not rows:
        return []
    by_category = (
        EventAudience.objects.filter(
            event__kind=EventKind.TRAINING, event__county_id__in=rows, event__year=year
        )
        .values_list("event__county_id", "category")
        .annotate(total=Sum("headcount"))
        .order_by()
    )
    for county_id, category, total in by_category:
        rows[county_id].by_category[category] = total or 0
        rows[county_id].training_headcount += total or 0
    events = (
        TrainingEvent.objects.filter(county_id__in=rows, year=year)
        .values_list("county_id")
        .annotate(n=Count("pk"), week=Count("pk", filter=Q(in_publicity_week=True)))
        .order_by()
    )
    for county_id, n, week in events:
        rows[county_id].events = n
        rows[county_id].publicity_week_events = week
    return list(rows.values())


def county_progress(county: County, year: int) -> Progress:
    return progress_for([county], year)[0]


PROGRESS_SORTS = {
    "status": lambda p: (p.met, p.headcount_met, p.training_headcount, p.county.code),
    "headcount": lambda p: (p.training_headcount, p.county.code),
    "-headcount": lambda p: (-p.training_headcount, p.county.code),
    "publicity": lambda p: (p.publicity_week_events, p.county.code),
    "-publicity": lambda p: (-p.publicity_week_events, p.county.code),
    "code": lambda p: p.county.code,
    "league": lambda p: (p.county.league.code, p.county.code),
}


def progress_table(
    user, year: int, *, scope: str = "pilots", league: str = "", sort: str = "status"
) -> list[Progress]:
    """Progress of every visible county in ``year`` (pilots of that year by default), sorted; those below
    target come first with the default sort."""
    counties = visible_counties(user).select_related("league")
    if scope == "pilots":
        counties = counties.filter(pilot__start_year__lte=year, pilot__end_year__gte=year)
    if league:
        counties = counties.filter(league__code=league)
    rows = progress_for(list(counties.order_by("code")), year)
    return sorted(rows, key=PROGRESS_SORTS.get(sort, PROGRESS_SORTS["status"]))


def event_years(user) -> list[int]:
    """Years with events visible to ``user``, newest first."""
    return list(
        scope_queryset(user, TrainingEvent.objects.all())
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def event_history(event: TrainingEvent, limit: int = 30) -> list[dict]:
    """The latest changes of an event and of its audience headcounts, newest first (two queries)."""
    entries = [
        {"date": h.history_date, "user": h.history_user, "type": h.history_type, "what": ""}
        for h in event.history.select_related("history_user").order_by("-history_date")[:limit]
    ]
    audience_history = (
        EventAudience.history.filter(event_id=event.pk)
        .select_related("history_user")
        .order_by("-history_date")
    )
    for h in audience_history[:limit]:
        label = AudienceCategory(h.category).label if h.category in AudienceCategory.values else h.category
        entries.append(
            {
                "date": h.history_date,
                "user": h.history_user,
                "type": h.history_type,
                "what": f"{label} {h.headcount}",
            }
        )
    return sorted(entries, key=lambda e: e["date"], reverse=True)[:limit]
