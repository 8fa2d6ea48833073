"""Reads of the fund ledger: figures per county (per year or cumulative), per league, lists; all scoped.

Figures (SPEC §7), each per source and over all sources, ``Decimal`` 万元:

* allocated, disbursed, spent; balance = disbursed − spent (the idle balance);
* execution rate = spent / allocated; disbursement rate = disbursed / allocated (``None`` when nothing was
  allocated); matching ratio = league allocated / regional allocated; rates rounded to 4 decimals;
* stale unspent (idle money flag) — the FIFO rule: the expenditures of a (county, source) consume its
  disbursements oldest first, whatever their own dates. Money disbursed on or before ``today − 365 days`` and not
  consumed is still unspent after more than 12 months: ``max(0, disbursed up to the cut-off − all spent)``. A
  county is flagged when that is positive for any source. It is always computed over the whole ledger (idle money
  is a cumulative fact), also when the other figures are those of one year.

``county_figures`` answers any number of counties in two queries (the year's sums and the cumulative stale
amounts), whatever their number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from counties.models import County, League
from counties.scoping import scope_queryset, visible_counties

from .models import ZERO, FundEntry, Kind, Source
from .permissions import may_write

RATE = Decimal("0.0001")
IDLE_DAYS = 365


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator`` rounded to 4 decimals, ``None`` when the denominator is zero."""
    if not denominator:
        return None
    return (numerator / denominator).quantize(RATE)


def idle_cutoff(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) - datetime.timedelta(days=IDLE_DAYS)


@dataclass
class Amounts:
    allocated: Decimal = ZERO
    disbursed: Decimal = ZERO
    spent: Decimal = ZERO
    stale_unspent: Decimal = ZERO

    def __iadd__(self, other: Amounts) -> Amounts:
        self.allocated += other.allocated
        self.disbursed += other.disbursed
        self.spent += other.spent
        self.stale_unspent += other.stale_unspent
        return self

    @property
    def balance(self) -> Decimal:
        return self.disbursed - self.spent

    @property
    def undisbursed(self) -> Decimal:
        return self.allocated - self.disbursed

    @property
    def execution_rate(self) -> Decimal | None:
        return ratio(self.spent, self.allocated)

    @property
    def disbursement_rate(self) -> Decimal | None:
        return ratio(self.disbursed, self.allocated)

    @property
    def spent_rate(self) -> Decimal | None:
        return ratio(self.spent, self.disbursed)

    @property
    def idle(self) -> bool:
        return self.stale_unspent > 0


@dataclass
class Figures:
    """The figures of one county (or a league, or everything): per source and in total."""

    by_source: dict[str, Amounts] = field(default_factory=lambda: {s: Amounts() for s in Source.values})
    county: County | None = None
    counties: int = 1

    @property
    def total(self) -> Amounts:
        total = Amounts()
        for amounts in self.by_source.values():
            total += amounts
        return total

    @property
    def matching_ratio(self) -> Decimal | None:
        return ratio(self.by_source[Source.LEAGUE].allocated, self.by_source[Source.REGIONAL].allocated)

    @property
    def idle(self) -> bool:
        return any(amounts.idle for amounts in self.by_source.values())

    @property
    def source_rows(self) -> list[tuple[str, str, Amounts]]:
        return [(value, label, self.by_source[value]) for value, label in Source.choices]

    def add(self, other: Figures) -> None:
        for source, amounts in other.by_source.items():
            self.by_source[source] += amounts


def county_figures(
    county_ids, *, year: int | None = None, today: datetime.date | None = None
) -> dict[int, Figures]:
    """Figures of each county in ``county_ids`` for ``year`` (or cumulative when ``None``); two queries."""
    county_ids = list(county_ids)
    figures = {county_id: Figures() for county_id in county_ids}
    if not county_ids:
        return figures
    entries = FundEntry.objects.filter(county_id__in=county_ids)
    yearly = entries.filter(year=year) if year else entries
    for row in yearly.values("county_id", "source", "kind").annotate(total=Sum("amount")).order_by():
        amounts = figures[row["county_id"]].by_source[row["source"]]
        setattr(
            amounts,
            {"allocation": "allocated", "disbursement": "disbursed", "expenditure": "spent"}[row["kind"]],
            row["total"],
        )
    cutoff = idle_cutoff(today)
    stale = (
        entries.filter(kind__in=[Kind.DISBURSEMENT, Kind.EXPENDITURE])
        .values("county_id", "source")
        .annotate(
            old=Sum("amount", filter=Q(kind=Kind.DISBURSEMENT, date__lte=cutoff), default=ZERO),
            spent=Sum("amount", filter=Q(kind=Kind.EXPENDITURE), default=ZERO),
        )
        .order_by()
    )
    for row in stale:
        figures[row["county_id"]].by_source[row["source"]].stale_unspent = max(
            ZERO, row["old"] - row["spent"]
        )
    return figures


def figures_for(county: County, *, year: int | None = None, today=None) -> Figures:
    figures = county_figures([county.pk], year=year, today=today)[county.pk]
    figures.county = county
    return figures


# -- lists -----------------------------------------------------------------------------------------------


def entry_list(
    user,
    *,
    county: County | None = None,
    year: int | None = None,
    kind: str = "",
    source: str = "",
    q: str = "",
) -> QuerySet[FundEntry]:
    """Ledger entries the user may read, filtered; with their county, league and evidence count."""
    entries = scope_queryset(
        user, FundEntry.objects.select_related("county", "county__league", "created_by")
    ).annotate(evidence_count=Count("evidence"))
    if county is not None:
        entries = entries.filter(county=county)
    if year:
        entries = entries.filter(year=year)
    if kind in Kind.values:
        entries = entries.filter(kind=kind)
    if source in Source.values:
        entries = entries.filter(source=source)
    if q:
        entries = entries.filter(Q(doc_no__icontains=q) | Q(description__icontains=q))
    return entries.order_by("-date", "-pk")


def ledger_years(user, county: County | None = None) -> list[int]:
    entries = scope_queryset(user, FundEntry.objects.all())
    if county is not None:
        entries = entries.filter(county=county)
    return sorted(set(entries.values_list("year", flat=True)), reverse=True)


@dataclass
class OverviewRow:
    county: County
    figures: Figures
    cumulative: Figures
    threshold: Decimal | None = None

    @property
    def below(self) -> bool:
        """Execution below the threshold (counties with an allocation only)."""
        rate = self.figures.total.execution_rate
        return self.threshold is not None and rate is not None and rate < self.threshold


@dataclass
class LeagueRow:
    league: League
    figures: Figures
    counties: list[OverviewRow]


def overview(
    user,
    *,
    year: int | None = None,
    league: str = "",
    pilots_only: bool = True,
    threshold: Decimal | None = None,
    today=None,
) -> list[LeagueRow]:
    """Per league, its counties' figures for ``year`` (or cumulative) and their cumulative figures (idle money).

    Counties shown: those in the user's scope that have a ledger entry, plus pilots when ``pilots_only``.
    Five queries whatever the number of counties.
    """
    counties = visible_counties(user).select_related("league", "pilot")
    if league:
        counties = counties.filter(league__code=league)
    with_entries = Q(pk__in=FundEntry.objects.values("county_id"))
    counties = counties.filter(with_entries | Q(pilot__isnull=False)) if pilots_only else counties
    counties = list(counties.order_by("league__code", "code"))
    ids = [c.pk for c in counties]
    cumulative = county_figures(ids, today=today)
    yearly = county_figures(ids, year=year, today=today) if year else cumulative
    leagues: dict[int, LeagueRow] = {}
    for county in counties:
        figures = yearly[county.pk]
        figures.county = county
        row = OverviewRow(county, figures, cumulative[county.pk], threshold)
        league_row = leagues.get(county.league_id)
        if league_row is None:
            league_row = leagues[county.league_id] = LeagueRow(county.league, Figures(counties=0), [])
        league_row.counties.append(row)
        league_row.figures.add(figures)
        league_row.figures.counties += 1
    return list(leagues.values())


def grand_total(leagues: list[LeagueRow]) -> Figures:
    total = Figures(counties=0)
    for league in leagues:
        total.add(league.figures)
        total.counties += league.figures.counties
    return total


def chart_data(leagues: list[LeagueRow]) -> dict:
    """Data for the overview chart: allocated / disbursed / spent and execution rate per league (as strings)."""
    return {
        "labels": [row.league.name for row in leagues],
        "allocated": [str(row.figures.total.allocated) for row in leagues],
        "disbursed": [str(row.figures.total.disbursed) for row in leagues],
        "spent": [str(row.figures.total.spent) for row in leagues],
        "execution": [
            None if row.figures.total.execution_rate is None else str(row.figures.total.execution_rate * 100)
            for row in leagues
        ],
    }


def entry_history(entry: FundEntry) -> list[dict]:
    """Every recorded change of ``entry``: who, when, and the fields with old and new values."""
    records = list(entry.history.select_related("history_user").order_by("history_date", "history_id"))
    rows = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [(c.field, c.old, c.new) for c in delta.changes if c.field not in ("updated_at",)]
        rows.append({"record": record, "changes": changes})
        previous = record
    return list(reversed(rows))


def template_entries(user=None, *, county: County | None = None) -> list[FundEntry]:
    """The entries a ledger template is pre-filled with: those ``user`` may write (every entry without a user),
    of one county or all, in county, date and document order."""
    entries = FundEntry.objects.select_related("county", "county__league")
    if user is not None:
        entries = scope_queryset(user, entries)
    if county is not None:
        entries = entries.filter(county=county)
    entries = entries.order_by("county__code", "date", "kind", "source", "doc_no")
    if user is None:
        return list(entries)
    return [e for e in entries if may_write(user, e.county, e.kind, e.source)]
