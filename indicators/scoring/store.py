"""Loading, judging and storing: ``recompute(pairs)`` and its helpers (the package docstring says how)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import chain

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from config.perf import collector_paused
from config.registry import derived_values
from counties.models import County, PilotDesignation

from ..bulk import column_types, copy_rows
from ..models import (
    AnnualReport,
    CountyYearScore,
    DataValue,
    GradeBand,
    Indicator,
    IndicatorResult,
    StaleScore,
)
from ..targets import load_versions
from .inputs import catalogue_fingerprint, input_digests
from .rules import Evaluation, IndicatorSpec, Values, evaluate, score_of

RESULT_FIELDS = ("value", "previous_value", "target", "status", "reason")
SCORE_FIELDS = ("score", "grade", "met_count", "scored_count", "missing_count")
SCORE_COLUMNS = (*SCORE_FIELDS, "inputs_digest")


def _load(pairs: set[tuple[int, int]]):
    """Everything the evaluation needs, in a constant number of queries."""
    county_ids = {c for c, _y in pairs}
    max_year = max(y for _c, y in pairs)
    reported = defaultdict(list)
    for county_id, year in (
        AnnualReport.objects.filter(county_id__in=county_ids, year__lte=max_year)
        .order_by("county_id", "year")
        .values_list("county_id", "year")
    ):
        reported[county_id].append(year)
    pilots = {p.county_id: p for p in PilotDesignation.objects.filter(county_id__in=county_ids)}
    typed = defaultdict(dict)
    for county_id, year, code, value in DataValue.objects.filter(
        report__county_id__in=county_ids, report__year__lte=max_year, element__is_derived=False
    ).values_list("report__county_id", "report__year", "element__code", "value"):
        typed[(county_id, year)][code] = value
    needed = set()
    for county_id, year in pairs:
        needed.update({(county_id, year), (county_id, year - 1)})
        needed.update((county_id, y) for y in reported[county_id] if y <= year)
        pilot = pilots.get(county_id)
        if pilot is not None:
            needed.update((county_id, y) for y in range(pilot.start_year, year + 1))
    derived = derived_values(sorted(needed))
    return Values(typed, derived), reported, pilots


class Catalogue:
    """The indicator specs, target versions and grade bands, each year's set judged and fingerprinted once."""

    def __init__(self):
        self.specs = [
            IndicatorSpec(i) for i in Indicator.objects.prefetch_related("numerator", "denominator")
        ]
        self.versions = load_versions()
        self.bands = list(GradeBand.objects.all())
        self._years: dict[int, tuple[list[IndicatorSpec], list[GradeBand], bytes]] = {}

    def _year(self, year: int):
        if year not in self._years:
            specs = [spec.for_version(self.versions.indicator(spec.indicator, year)) for spec in self.specs]
            bands = self.versions.bands_for(self.bands, year)
            self._years[year] = (specs, bands, catalogue_fingerprint(specs, bands))
        return self._years[year]

    def specs_for(self, year: int) -> list[IndicatorSpec]:
        return self._year(year)[0]

    def bands_for(self, year: int) -> list[GradeBand]:
        return self._year(year)[1]

    def fingerprint(self, year: int) -> bytes:
        return self._year(year)[2]


def _judge(pairs, catalogue: Catalogue, values: Values, reported, pilots):
    """``((county_id, year), [(indicator, evaluation), …])`` for each pair, one pair at a time (a generator: a
    recompute writes the rows of one pair while the next is judged)."""
    for county_id, year in pairs:
        pilot = pilots.get(county_id)
        years = reported[county_id]
        yield (
            (county_id, year),
            [
                (spec.indicator, evaluate(spec, values, county_id, year, pilot=pilot, reported_years=years))
                for spec in catalogue.specs_for(year)
            ],
        )


def evaluate_pairs(
    pairs: Iterable[tuple[int, int]],
) -> dict[tuple[int, int], list[tuple[Indicator, Evaluation]]]:
    """Evaluate every indicator for the pairs that have a report (no writes)."""
    pairs = {(int(c), int(y)) for c, y in pairs}
    if not pairs:
        return {}
    values, reported, pilots = _load(pairs)
    scored = sorted((c, y) for c, y in pairs if y in reported[c])
    return dict(_judge(scored, Catalogue(), values, reported, pilots))


def _upsert(model, unique: list[str], fields: list[str], rows: Iterable[tuple], *, new: bool) -> None:
    """``INSERT … ON CONFLICT (unique) DO UPDATE SET fields`` of ``rows`` (tuples of ``unique + fields`` values
    already adapted to the database; any iterable, consumed as it is written). ``new`` says no row of these keys is
    stored (the counties are locked): on PostgreSQL the rows are then copied straight into the table, otherwise
    into a temporary table merged in one statement; elsewhere one prepared ``executemany``. The database stores
    the rows already sent while the next ones are produced. Model instances and SQL compilation per row were most
    of the cost of ``bulk_create(update_conflicts=True)``."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    rows = chain([first], rows)
    quote = connection.ops.quote_name
    meta = model._meta
    keys = [quote(meta.get_field(name).column) for name in unique]
    columns = [quote(meta.get_field(name).column) for name in fields]
    names = ", ".join(keys + columns)
    table = quote(meta.db_table)
    conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET " + ", ".join(
        f"{column} = EXCLUDED.{column}" for column in columns
    )
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            placeholders = ", ".join(["%s"] * len(keys + columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders}) {conflict}", rows)
            return
        types = column_types(model, [*unique, *fields], connection)
        if new:
            copy_rows(cursor, f"{table} ({names})", types, rows)
            return
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS scoring_rows (LIKE {table}) ON COMMIT DROP")
        cursor.execute(f"ALTER TABLE scoring_rows DROP COLUMN IF EXISTS {quote(meta.pk.column)}")
        copy_rows(cursor, f"scoring_rows ({names})", types, rows)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM scoring_rows {conflict}; DROP TABLE scoring_rows"
        )


def _with_later_years(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs plus every later reported year of their counties: a cumulative total includes earlier years,
    so a change to year Y can change the results of every later year (Y + 1 comes from the ``increase`` rule).
    """
    if not pairs:
        return pairs
    first = {}
    for county_id, year in pairs:
        first[county_id] = min(year, first.get(county_id, year))
    later = AnnualReport.objects.filter(county_id__in=first, year__gt=min(first.values())).values_list(
        "county_id", "year"
    )
    return pairs | {(c, y) for c, y in later if y > first[c]}


def _stored_scores(county_ids, years, pairs) -> dict:
    """The stored scores of ``pairs`` as ``pair → (pk, fields…, inputs_digest)`` (no model instances)."""
    existing_scores = {}
    for pk, county_id, year, *stored in CountyYearScore.objects.filter(
        county_id__in=county_ids, year__in=years
    ).values_list("pk", "county_id", "year", *SCORE_COLUMNS):
        if (county_id, year) in pairs:
            existing_scores[(county_id, year)] = (pk, tuple(stored))
    return existing_scores


def _stored_results(county_ids, years, pairs) -> dict:
    """The stored results of ``pairs`` as ``(county, year, indicator) → (pk, fields)``; no query when empty."""
    existing_results = {}
    if not pairs:
        return existing_results
    for pk, county_id, year, indicator_id, *stored in IndicatorResult.objects.filter(
        county_id__in={c for c, _y in pairs}, year__in={y for _c, y in pairs}
    ).values_list("pk", "county_id", "year", "indicator_id", *RESULT_FIELDS):
        if (county_id, year) in pairs:
            existing_results[(county_id, year, indicator_id)] = (pk, tuple(stored))
    return existing_results


def _unchanged(found, evaluation: Evaluation, *, rewrite_reasons: bool) -> bool:
    """Whether a stored result already holds ``evaluation`` (its reason formatted only when that is needed)."""
    if found is None or found[1][:4] != evaluation.row():
        return False
    if evaluation.determined and not rewrite_reasons:
        return True
    return found[1][4] == evaluation.reason_in(settings.LANGUAGE_CODE)


class _Changes:
    """What a recompute writes, produced while it is written: ``results()`` yields the result rows (tuples) that
    changed, judging pair after pair; once it is exhausted ``scores`` holds the score rows to write and ``kept``
    the key of every result still judged."""

    def __init__(
        self, evaluations, digests, catalogue, stored_results, stored_scores, computed_at, *, rewrite
    ):
        self.evaluations = evaluations
        self.digests = digests
        self.catalogue = catalogue
        self.stored_results = stored_results
        self.stored_scores = stored_scores
        self.computed_at = computed_at
        self.rewrite = rewrite
        self.scores: list[tuple] = []
        self.kept: set[tuple[int, int, int]] = set()

    def results(self):
        language = settings.LANGUAGE_CODE
        with translation.override(language):
            for (county_id, year), judged in self.evaluations:
                changed = False
                for indicator, evaluation in judged:
                    key = (county_id, year, indicator.id)
                    self.kept.add(key)
                    if not _unchanged(self.stored_results.get(key), evaluation, rewrite_reasons=self.rewrite):
                        changed = True
                        yield (*key, *evaluation.row(), evaluation.reason_in(language), self.computed_at)
                self._score(county_id, year, judged, changed)

    def _score(self, county_id: int, year: int, judged, results_changed: bool) -> None:
        data = score_of(judged, self.catalogue.bands_for(year))
        stored = (*(data[name] for name in SCORE_FIELDS), self.digests[(county_id, year)])
        found = self.stored_scores.get((county_id, year))
        # The score row is rewritten (its computed_at moves) whenever a result of its pair is: pages key their
        # caches on the scores alone (``indicators.pagecache``).
        if found is None or found[1] != stored or results_changed:
            self.scores.append((county_id, year, *stored, self.computed_at))


@transaction.atomic
def recompute(pairs: Iterable[tuple[int, int]], *, rewrite_reasons: bool = False) -> int:
    """Recompute and store results and scores for these ``(county_id, year)`` pairs and the later reported years
    of their counties; returns the number of pairs scored.

    A pair whose inputs fingerprint (``indicators.scoring.inputs``) equals the stored one is not judged again.
    Otherwise a stored result is rewritten only when its value, previous value, target, status or reason
    changed. Reasons that follow from those alone (``Evaluation.determined``) are not even formatted when they
    are unchanged; ``rewrite_reasons`` judges every pair and formats and compares every reason (after a change
    of the translations).

    Idempotent and safe to run concurrently: the counties' rows are locked (``FOR NO KEY UPDATE`` on
    PostgreSQL) so recomputations of one county run one after another, and writes are upserts.
    """
    started = timezone.now()
    pairs = _with_later_years({(int(c), int(y)) for c, y in pairs})
    if not pairs:
        return 0
    county_ids = sorted({c for c, _y in pairs})
    no_key = connection.features.has_select_for_no_key_update
    list(
        County.objects.select_for_update(no_key=no_key).filter(pk__in=county_ids).order_by("pk").values("pk")
    )
    with collector_paused():
        return _score(pairs, started, rewrite_reasons=rewrite_reasons)


def _score(pairs: set[tuple[int, int]], started, *, rewrite_reasons: bool) -> int:
    """``recompute`` once the counties are locked."""
    county_ids = sorted({c for c, _y in pairs})
    years = sorted({y for _c, y in pairs})
    values, reported, pilots = _load(pairs)
    catalogue = Catalogue()
    scored = sorted((c, y) for c, y in pairs if y in reported[c])
    digests = input_digests(
        scored, values, reported, pilots, {y: catalogue.fingerprint(y) for _c, y in scored}
    )
    existing_scores = _stored_scores(county_ids, years, pairs)
    judge = [
        pair
        for pair in scored
        if rewrite_reasons or pair not in existing_scores or existing_scores[pair][1][-1] != digests[pair]
    ]
    unreported = pairs.difference(scored)
    existing_results = _stored_results(county_ids, years, unreported.union(judge))
    computed_at = IndicatorResult._meta.get_field("computed_at").get_db_prep_value(started, connection)
    changes = _Changes(
        _judge(judge, catalogue, values, reported, pilots),
        digests,
        catalogue,
        existing_results,
        existing_scores,
        computed_at,
        rewrite=rewrite_reasons,
    )
    _upsert(
        IndicatorResult,
        ["county", "year", "indicator"],
        [*RESULT_FIELDS, "computed_at"],
        changes.results(),
        new=not existing_results,
    )
    _upsert(
        CountyYearScore,
        ["county", "year"],
        [*SCORE_COLUMNS, "computed_at"],
        changes.scores,
        new=not existing_scores,
    )
    obsolete_results = [pk for key, (pk, _stored_row) in existing_results.items() if key not in changes.kept]
    if obsolete_results:
        IndicatorResult.objects.filter(pk__in=obsolete_results).delete()
    obsolete_scores = [pk for pair, (pk, _stored_row) in existing_scores.items() if pair in unreported]
    if obsolete_scores:
        CountyYearScore.objects.filter(pk__in=obsolete_scores).delete()

    stale = [
        pk
        for pk, county_id, year in StaleScore.objects.filter(
            county_id__in=county_ids, year__in=years, marked_at__lte=started
        ).values_list("pk", "county_id", "year")
        if (county_id, year) in pairs
    ]
    if stale:
        StaleScore.objects.filter(pk__in=stale, marked_at__lte=started).delete()
    return len(scored)


def all_pairs(*, county_id: int | None = None, year: int | None = None) -> list[tuple[int, int]]:
    """Every (county, year) with a report, optionally limited to one county or year."""
    reports = AnnualReport.objects.all()
    if county_id is not None:
        reports = reports.filter(county_id=county_id)
    if year is not None:
        reports = reports.filter(year=year)
    return sorted(reports.values_list("county_id", "year"))


def recompute_stale() -> int:
    """Recompute every pair still marked stale (the periodic sweep: a lost task only delays)."""
    pairs = list(StaleScore.objects.values_list("county_id", "year"))
    if not pairs:
        return 0
    return recompute(pairs)
