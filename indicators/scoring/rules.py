"""The scoring rules (SPEC §4–§5) on values already loaded: no database access.

``evaluate(spec, values, county_id, year, pilot=, reported_years=)`` judges one indicator for one (county, year)
and returns an ``Evaluation`` whose reason is formatted only when it is needed (``Reason``); ``score_of`` turns a
pair's evaluations into its score, grade and counts. The choices behind the rules are in the package docstring.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from config.formatting import format_number
from counties.models import PilotDesignation

from ..models import GradeBand, Indicator, ResultStatus, Rule

FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")
SCORED_STATUSES = (ResultStatus.MET, ResultStatus.NOT_MET, ResultStatus.MISSING)


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

    def reason_in(self, language: str) -> str:
        """``reason`` in ``language``, which must be the active one (``store._Changes`` activates the site's
        default language once for every row)."""
        if not isinstance(self._reason, str):
            self._reason = self._reason.format(language)
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
        missing: list[str] = []
        num = _sum(self.numerator, typed, derived, missing)
        den = _sum(self.denominator, typed, derived, missing)
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


def _sum(elements, typed: dict, derived: dict, missing: list[str]) -> Decimal:
    """Σ of ``elements`` (code, name, is_derived): a derived value absent counts 0, a typed one absent is missing
    (its name is added to ``missing``)."""
    total = Decimal(0)
    for code, name, is_derived in elements:
        value = derived.get(code, Decimal(0)) if is_derived else typed.get(code)
        if value is None:
            missing.append(name)
        else:
            total += value
    return total


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
