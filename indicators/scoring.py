"""Compliance scoring (SPEC §4–§5): evaluate every indicator for (county, year) pairs and store the results.

``recompute(pairs)`` loads everything it needs in a constant number of queries, judges each indicator by its
rule, and writes one ``IndicatorResult`` per indicator and one ``CountyYearScore`` per pair with upserts.
Rows whose values did not change are not rewritten (``computed_at`` stays), so recomputing unchanged data
changes nothing. Stale marks of the recomputed pairs are removed unless re-marked since the recompute began.

Choices documented here:

* Recomputing (county, Y) also recomputes the county's later reported years (a cumulative total includes Y).
* A pair is scored when the county has an ``AnnualReport`` for that year (draft or not: the latest data);
  a requested pair without a report has its stored results removed. Pilots and non-pilots alike are scored
  (non-pilots are the comparison group).
* ``cumulative_min`` sums the pilot years so far (``start_year..min(year, end_year)``); not yet reached is
  进行中 before the pilot's last year and 未达标 from it on; before the pilot starts (the baseline year) it is
  不适用. Non-pilots (the comparison group) are judged over all their reported years up to the year, without
  an in-progress phase (reached → 达标, else 未达标). A window year whose value is missing makes an unreached
  total 缺数据 (missing counts as not met).
* Values are rounded to 4 decimals (as stored) before they are compared with the target; reasons show 2
  decimals (4 when 2 would make unequal numbers look equal).
* Each year is judged with the targets, weights and grade bands in force for it (``indicators.targets``).
* Reasons are written in the site's default language (``LANGUAGE_CODE``) whatever the request's language.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from config.formatting import format_number
from config.perf import collector_paused
from config.registry import derived_values
from counties.models import County, PilotDesignation

from .models import (
    AnnualReport,
    CountyYearScore,
    DataValue,
    GradeBand,
    Indicator,
    IndicatorResult,
    ResultStatus,
    Rule,
    StaleScore,
)
from .scoring_inputs import catalogue_fingerprint, input_digests
from .targets import load_versions

FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")
SCORED_STATUSES = (ResultStatus.MET, ResultStatus.NOT_MET, ResultStatus.MISSING)
RESULT_FIELDS = ("value", "previous_value", "target", "status", "reason")
SCORE_FIELDS = ("score", "grade", "met_count", "scored_count", "missing_count")
SCORE_COLUMNS = (*SCORE_FIELDS, "inputs_digest")


_TRANSLATED: dict[tuple[str | None, str], str] = {}


class Reason:
    """A reason not formatted yet: a message id (marked with ``gettext_noop``) and its parameters, or a function
    returning them. Formatting (translation and number formatting) happens only when the text is needed — for rows
    that changed — which is most of the cost of judging an indicator."""

    __slots__ = ("message", "params")

    def __init__(self, message: str, params: dict | Callable[[], dict] | None = None):
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.format(translation.get_language())

    def format(self, language: str) -> str:
        """The reason in ``language``, which must be the active one (one look-up of it saved per reason)."""
        key = (language, self.message)
        text = _TRANSLATED.get(key)
        if text is None:
            text = _TRANSLATED[key] = gettext(self.message)
        if self.params is None:
            return text
        return text % (self.params() if callable(self.params) else self.params)


# Reasons without parameters, made once.
DENOMINATOR_ZERO = Reason(gettext_noop("The denominator is zero"))
MONITORED_ONLY = Reason(gettext_noop("Monitored only, no target"))
NO_TARGET = Reason(gettext_noop("No target set"))
PREVIOUS_MISSING = Reason(gettext_noop("Previous year's data missing"))
YES = Reason(gettext_noop("Yes"))
NO = Reason(gettext_noop("No"))


class Evaluation:
    """One indicator judged for one (county, year), before it is stored.

    ``determined`` means the reason follows from the rule, ``value``, ``previous_value``, ``target`` and
    ``status`` alone (no window, element names or pilot dates in it): when those equal the stored row, the stored
    reason is already right and is not formatted again.
    """

    __slots__ = ("value", "previous_value", "target", "status", "_reason", "determined")

    def __init__(self, value, previous_value, target, status, reason: Reason | str, determined: bool = False):
        self.value = value
        self.previous_value = previous_value
        self.target = target
        self.status = status
        self._reason = reason
        self.determined = determined

    @property
    def reason(self) -> str:
        """The reason in the site's default language (formatted on first use)."""
        if not isinstance(self._reason, str):
            with translation.override(settings.LANGUAGE_CODE):
                self._reason = self._reason.format(settings.LANGUAGE_CODE)
        return self._reason

    def reason_in_default_language(self) -> str:
        """``reason``, called where the site's default language is already active (``_changed_rows``)."""
        if not isinstance(self._reason, str):
            self._reason = self._reason.format(settings.LANGUAGE_CODE)
        return self._reason

    def row(self) -> tuple:
        """``(value, previous_value, target, status)``: what is compared with a stored result first."""
        return (self.value, self.previous_value, self.target, self.status)

    def __repr__(self) -> str:
        return f"Evaluation({self.value!r}, {self.previous_value!r}, {self.target!r}, {self.status!r})"


@lru_cache(maxsize=65536)
def fmt(number: Decimal | None, *, places: int = 2) -> str:
    """A number in a reason, as people write it: at most ``places`` decimals, no trailing zeros, no exponent,
    no separators (``config.formatting.format_number``); "—" when missing. Memoized: a year's value is also the
    next year's previous value, and equal decimals format alike."""
    return format_number(number, places=places, grouping=False)


fmt_target = fmt  # targets are few: each formatted once


def fmt_pair(value: Decimal, other: Decimal, *, fmt_other=fmt) -> tuple[str, str]:
    """Both numbers rounded to 2 decimals, or to 4 when 2 would make unequal numbers look equal."""
    shown, shown_other = fmt(value), fmt_other(other)
    if value != other and shown == shown_other:
        return fmt(value, places=4), fmt_other(other, places=4)
    return shown, shown_other


class Values:
    """Element values by (county_id, year) → {code: Decimal | None}; absent means not reported.

    ``computed`` memoizes each indicator's ratio per (county, year): a year's value is also the next year's
    previous value and part of every later cumulative window."""

    def __init__(self, typed: dict, derived: dict):
        self.typed = typed
        self.derived = derived
        self.computed: dict = {}

    def get(self, county_id: int, year: int, code: str, *, is_derived: bool):
        if is_derived:
            return self.derived.get((county_id, year), {}).get(code, Decimal(0))
        return self.typed.get((county_id, year), {}).get(code)


class IndicatorSpec:
    """An indicator with its numerator and denominator element codes resolved once."""

    def __init__(self, indicator: Indicator):
        self.indicator = indicator
        self.pk = indicator.pk
        self.numerator = [(e.code, e.name, e.is_derived) for e in indicator.numerator.all()]
        self.denominator = [(e.code, e.name, e.is_derived) for e in indicator.denominator.all()]

    def for_version(self, indicator: Indicator) -> IndicatorSpec:
        """This spec judged with ``indicator`` (the same indicator with the target and weight of a year)."""
        if indicator is self.indicator:
            return self
        spec = copy.copy(self)
        spec.indicator = indicator
        return spec

    def compute(self, values: Values, county_id: int, year: int) -> tuple[Decimal | None, Reason | str]:
        """``factor × Σnum / Σden`` rounded to 4 places, or ``(None, reason)`` when it cannot be computed."""
        key = (self.pk, county_id, year)
        found = values.computed.get(key)
        if found is None:
            found = values.computed[key] = self._compute(values, county_id, year)
        return found

    def _compute(self, values: Values, county_id: int, year: int) -> tuple[Decimal | None, Reason | str]:
        typed = values.typed.get((county_id, year), {})
        derived = values.derived.get((county_id, year), {})
        missing = []
        num = Decimal(0)
        for code, name, is_derived in self.numerator:
            value = derived.get(code, Decimal(0)) if is_derived else typed.get(code)
            if value is None:
                missing.append(name)
            else:
                num += value
        den = Decimal(0)
        for code, name, is_derived in self.denominator:
            value = derived.get(code, Decimal(0)) if is_derived else typed.get(code)
            if value is None:
                missing.append(name)
            else:
                den += value
        if missing:
            return None, Reason(
                gettext_noop("Missing: %(elements)s"), {"elements": "、".join(dict.fromkeys(missing))}
            )
        if self.denominator:
            if den == 0:
                return None, DENOMINATOR_ZERO
            result = self.indicator.factor * num / den
        else:
            result = self.indicator.factor * num
        return result.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP), ""


def _pilot_window(pilot: PilotDesignation | None, year: int, reported_years: list[int]):
    """The years a cumulative total covers, and the pilot's last year (None: judged now, no in-progress phase).

    A pilot sums its pilot years so far (``start_year..min(year, end_year)``); a non-pilot sums every year it
    reported up to ``year``. Before a pilot's start the window is empty (the rule does not apply yet).
    """
    if pilot is not None:
        return list(range(pilot.start_year, min(year, pilot.end_year) + 1)), pilot.end_year
    return [y for y in reported_years if y <= year] or [year], None


def evaluate(
    spec: IndicatorSpec,
    values: Values,
    county_id: int,
    year: int,
    *,
    pilot: PilotDesignation | None,
    reported_years: list[int],
) -> Evaluation:
    """Judge one indicator for one (county, year) by its rule (SPEC §4). The reason is formatted lazily."""
    indicator = spec.indicator
    rule = indicator.rule
    target = indicator.target
    value, why_missing = spec.compute(values, county_id, year)
    previous, _why = spec.compute(values, county_id, year - 1)

    if rule == Rule.MONITOR:
        return Evaluation(value, previous, None, ResultStatus.NOT_APPLICABLE, MONITORED_ONLY, True)
    if rule == Rule.CUMULATIVE_MIN:
        return _evaluate_cumulative(spec, values, county_id, year, pilot, reported_years)
    if value is None:
        return Evaluation(None, previous, target, ResultStatus.MISSING, why_missing)
    if rule == Rule.INCREASE:
        return _evaluate_increase(value, previous)
    if rule == Rule.TRUE:
        if value == 1:
            return Evaluation(value, previous, None, ResultStatus.MET, YES, True)
        return Evaluation(value, previous, None, ResultStatus.NOT_MET, NO, True)
    return _evaluate_min(value, previous, target)


def _evaluate_cumulative(spec, values, county_id, year, pilot, reported_years) -> Evaluation:
    """``cumulative_min``: the sum over the pilot window (or every reported year of a non-pilot)."""
    target = spec.indicator.target
    window, last_year = _pilot_window(pilot, year, reported_years)
    if not window:
        reason = Reason(
            gettext_noop("The pilot period %(start)s–%(end)s has not started"),
            {"start": pilot.start_year, "end": pilot.end_year},
        )
        return Evaluation(None, None, target, ResultStatus.NOT_APPLICABLE, reason)
    total = Decimal(0)
    missing_years = []
    for window_year in window:
        yearly, _why = spec.compute(values, county_id, window_year)
        if yearly is None:
            missing_years.append(str(window_year))
        else:
            total += yearly
    if target is None:
        return Evaluation(total, None, None, ResultStatus.NOT_APPLICABLE, NO_TARGET, True)
    span = f"{window[0]}–{window[-1]}" if len(window) > 1 else str(window[0])

    def params():
        return {"span": span, "total": fmt(total), "target": fmt_target(target)}

    if total >= target:
        reason = Reason(gettext_noop("Cumulative %(span)s: %(total)s ≥ target %(target)s"), params)
        return Evaluation(total, None, target, ResultStatus.MET, reason)
    if missing_years:
        reason = Reason(gettext_noop("Data missing for %(years)s"), {"years": "、".join(missing_years)})
        return Evaluation(total, None, target, ResultStatus.MISSING, reason)
    if last_year is not None and year < last_year:
        reason = Reason(
            gettext_noop("Cumulative %(span)s: %(total)s, target %(target)s by %(last)s"),
            lambda: {**params(), "last": last_year},
        )
        return Evaluation(total, None, target, ResultStatus.IN_PROGRESS, reason)
    reason = Reason(gettext_noop("Cumulative %(span)s: %(total)s < target %(target)s"), params)
    return Evaluation(total, None, target, ResultStatus.NOT_MET, reason)


def _evaluate_increase(value: Decimal, previous: Decimal | None) -> Evaluation:
    """``increase``: higher than the previous year's value."""
    if previous is None:
        return Evaluation(value, None, None, ResultStatus.MISSING, PREVIOUS_MISSING, True)

    def params():
        shown, shown_previous = fmt_pair(value, previous)
        return {"value": shown, "previous": shown_previous}

    if value > previous:
        reason = Reason(gettext_noop("%(value)s > previous year %(previous)s"), params)
        return Evaluation(value, previous, None, ResultStatus.MET, reason, True)
    reason = Reason(gettext_noop("%(value)s ≤ previous year %(previous)s"), params)
    return Evaluation(value, previous, None, ResultStatus.NOT_MET, reason, True)


def _evaluate_min(value: Decimal, previous: Decimal | None, target: Decimal | None) -> Evaluation:
    """``min``: at least the target."""
    if target is None:
        return Evaluation(value, previous, None, ResultStatus.NOT_APPLICABLE, NO_TARGET, True)

    def params():
        shown, shown_target = fmt_pair(value, target, fmt_other=fmt_target)
        return {"value": shown, "target": shown_target}

    if value >= target:
        reason = Reason(gettext_noop("%(value)s ≥ target %(target)s"), params)
        return Evaluation(value, previous, target, ResultStatus.MET, reason, True)
    reason = Reason(gettext_noop("%(value)s < target %(target)s"), params)
    return Evaluation(value, previous, target, ResultStatus.NOT_MET, reason, True)


def score_of(evaluations: Iterable[tuple[Indicator, Evaluation]], bands: list[GradeBand]) -> dict:
    """``100 × Σweight(met) / Σweight(met, not met, missing)`` with its grade and counts."""
    met_weight = total_weight = Decimal(0)
    met = scored = missing = 0
    for indicator, evaluation in evaluations:
        if evaluation.status not in SCORED_STATUSES:
            continue
        scored += 1
        total_weight += indicator.weight
        if evaluation.status == ResultStatus.MET:
            met += 1
            met_weight += indicator.weight
        elif evaluation.status == ResultStatus.MISSING:
            missing += 1
    score = None
    grade = ""
    if total_weight > 0:
        score = (Decimal(100) * met_weight / total_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        grade = grade_for(score, bands)
    return {
        "score": score,
        "grade": grade,
        "met_count": met,
        "scored_count": scored,
        "missing_count": missing,
    }


def grade_for(score: Decimal, bands: list[GradeBand]) -> str:
    """The highest band whose minimum the score reaches (bands come from the database)."""
    for band in sorted(bands, key=lambda b: b.min_score, reverse=True):
        if score >= band.min_score:
            return band.name
    return ""


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


def _judge(pairs, catalogue: Catalogue, values: Values, reported, pilots) -> dict:
    evaluations = {}
    for county_id, year in pairs:
        pilot = pilots.get(county_id)
        years = reported[county_id]
        evaluations[(county_id, year)] = [
            (spec.indicator, evaluate(spec, values, county_id, year, pilot=pilot, reported_years=years))
            for spec in catalogue.specs_for(year)
        ]
    return evaluations


def evaluate_pairs(
    pairs: Iterable[tuple[int, int]],
) -> dict[tuple[int, int], list[tuple[Indicator, Evaluation]]]:
    """Evaluate every indicator for the pairs that have a report (no writes)."""
    pairs = {(int(c), int(y)) for c, y in pairs}
    if not pairs:
        return {}
    values, reported, pilots = _load(pairs)
    scored = sorted((c, y) for c, y in pairs if y in reported[c])
    return _judge(scored, Catalogue(), values, reported, pilots)


def _upsert(model, unique: list[str], fields: list[str], rows: list[tuple]) -> None:
    """``INSERT … ON CONFLICT (unique) DO UPDATE SET fields`` of ``rows`` (tuples of ``unique + fields`` values
    already adapted to the database) in one statement: on PostgreSQL one ``INSERT … SELECT FROM unnest(arrays)``
    (one array parameter per column), elsewhere one prepared ``executemany``. Model instances and SQL compilation
    per row were most of the cost of ``bulk_create(update_conflicts=True)``."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    names = [*unique, *fields]
    keys = [quote(meta.get_field(name).column) for name in unique]
    columns = [quote(meta.get_field(name).column) for name in fields]
    conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET " + ", ".join(
        f"{column} = EXCLUDED.{column}" for column in columns
    )
    insert = f"INSERT INTO {quote(meta.db_table)} ({', '.join(keys + columns)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY into a temporary table, then one merge: the driver formats the rows in C.
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS scoring_rows (LIKE {quote(meta.db_table)}) ON COMMIT DROP"
            )
            cursor.execute(f"ALTER TABLE scoring_rows DROP COLUMN IF EXISTS {quote(meta.pk.column)}")
            with cursor.cursor.copy(f"COPY scoring_rows ({', '.join(keys + columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"{insert} SELECT {', '.join(keys + columns)} FROM scoring_rows {conflict}; DROP TABLE scoring_rows"
            )
        else:
            cursor.executemany(f"{insert} VALUES ({', '.join(['%s'] * len(names))}) {conflict}", rows)


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
    return found[1][4] == evaluation.reason_in_default_language()


def _changed_rows(
    evaluations, digests, catalogue, existing_results, existing_scores, computed_at, *, rewrite_reasons
):
    """The result and score rows to upsert (tuples) and the keys of every result still judged."""
    results_to_write, scores_to_write, keep_results = [], [], set()
    with translation.override(settings.LANGUAGE_CODE):
        for (county_id, year), judged in evaluations.items():
            written = len(results_to_write)
            for indicator, evaluation in judged:
                key = (county_id, year, indicator.pk)
                keep_results.add(key)
                if not _unchanged(existing_results.get(key), evaluation, rewrite_reasons=rewrite_reasons):
                    reason = evaluation.reason_in_default_language()
                    row = (county_id, year, indicator.pk, *evaluation.row(), reason, computed_at)
                    results_to_write.append(row)
            data = score_of(judged, catalogue.bands_for(year))
            stored = (*(data[name] for name in SCORE_FIELDS), digests[(county_id, year)])
            found = existing_scores.get((county_id, year))
            # The score row is rewritten (its computed_at moves) whenever a result of its pair is: pages key their
            # caches on the scores alone (``indicators.pagecache``).
            if found is None or found[1] != stored or len(results_to_write) > written:
                scores_to_write.append((county_id, year, *stored, computed_at))
    return results_to_write, scores_to_write, keep_results


@transaction.atomic
def recompute(pairs: Iterable[tuple[int, int]], *, rewrite_reasons: bool = False) -> int:
    """Recompute and store results and scores for these ``(county_id, year)`` pairs and the later reported years
    of their counties; returns the number of pairs scored.

    A pair whose inputs fingerprint (``indicators.scoring_inputs``) equals the stored one is not judged again.
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
    evaluations = _judge(judge, catalogue, values, reported, pilots)
    unreported = pairs.difference(scored)
    existing_results = _stored_results(county_ids, years, unreported.union(judge))
    computed_at = IndicatorResult._meta.get_field("computed_at").get_db_prep_value(started, connection)
    results_to_write, scores_to_write, keep_results = _changed_rows(
        evaluations,
        digests,
        catalogue,
        existing_results,
        existing_scores,
        computed_at,
        rewrite_reasons=rewrite_reasons,
    )
    _upsert(
        IndicatorResult, ["county", "year", "indicator"], [*RESULT_FIELDS, "computed_at"], results_to_write
    )
    _upsert(CountyYearScore, ["county", "year"], [*SCORE_COLUMNS, "computed_at"], scores_to_write)
    obsolete_results = [pk for key, (pk, _stored_row) in existing_results.items() if key not in keep_results]
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
