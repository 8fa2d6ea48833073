"""Parsing and validation of annual data values: the one place shared by browser entry and Excel import.

``parse_value`` turns what people type or paste into a ``Decimal`` (yes/no as 1/0) or raises
``ValueParseError`` with a Chinese message; ``validate_values`` applies SPEC §3's range and cross-field rules
(errors) and the large-change check against the previous year (warnings that need a confirming comment).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .catalogue import MIN_POPULATION, NOT_GREATER_THAN, WARNING_CHANGE_RATIO
from .models import DataElement, ValueType

YES_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓", "t"}
NO_WORDS = {"否", "无", "n", "no", "false", "0", "×", "✗", "f"}
_NUMBER = re.compile(r"^[+]?\d+(\.\d+)?$")
_FOUR_PLACES = Decimal("0.0001")


class ValueParseError(ValueError):
    """A value that cannot be read; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalise_text(raw) -> str:
    """Full-width to half-width (NFKC), no surrounding or inner spaces, no thousands separators."""
    text = unicodedata.normalize("NFKC", str(raw))
    return re.sub(r"[\s,]", "", text)


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not unicodedata.normalize("NFKC", raw).strip())


def parse_boolean(raw) -> Decimal | None:
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return Decimal(1) if raw else Decimal(0)
    text = normalise_text(raw).lower()
    if text in YES_WORDS or text == "1.0":
        return Decimal(1)
    if text in NO_WORDS or text == "0.0":
        return Decimal(0)
    raise ValueParseError(_("“%(value)s” is not a yes/no answer: enter 是 or 否.") % {"value": raw})


def parse_number(raw, *, whole: bool) -> Decimal | None:
    """A non-negative number; ``whole`` requires a whole number (counts)."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise ValueParseError(_("“%(value)s” is not a number.") % {"value": raw})
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    else:
        text = normalise_text(raw)
        if text.endswith("%"):
            if whole:
                raise ValueParseError(
                    _("“%(value)s” is a percentage, but a count is expected.") % {"value": raw}
                )
            text = text[:-1]
        if text.startswith("-") and _NUMBER.match(text[1:]):
            raise ValueParseError(_("“%(value)s” is negative; it must be 0 or more.") % {"value": raw})
        if not _NUMBER.match(text):
            raise ValueParseError(_("“%(value)s” is not a number.") % {"value": raw})
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueParseError(_("“%(value)s” is not a number.") % {"value": raw}) from exc
    if not number.is_finite():
        raise ValueParseError(_("“%(value)s” is not a number.") % {"value": raw})
    if number < 0:
        raise ValueParseError(_("“%(value)s” is negative; it must be 0 or more.") % {"value": raw})
    if whole and number != number.to_integral_value():
        raise ValueParseError(_("“%(value)s” must be a whole number.") % {"value": raw})
    if number >= Decimal("1e15"):
        raise ValueParseError(_("“%(value)s” is too large.") % {"value": raw})
    if whole:
        return number.to_integral_value()
    return number.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)


def parse_value(raw, element: DataElement) -> Decimal | None:
    """Parse ``raw`` for ``element``; ``None`` means left empty. Raises ``ValueParseError``."""
    if element.value_type == ValueType.BOOLEAN:
        return parse_boolean(raw)
    return parse_number(raw, whole=element.value_type == ValueType.INTEGER)


@dataclass(frozen=True)
class Problem:
    """A validation finding about one element: an error refuses the data, a warning needs a comment."""

    element_code: str
    message: str


def validate_values(
    values: dict[str, Decimal | None],
    elements: dict[str, DataElement],
    previous: dict[str, Decimal | None] | None = None,
) -> tuple[list[Problem], list[Problem]]:
    """Check one report's parsed values (by element code). Returns ``(errors, warnings)``.

    Errors: population below 1000 (the unit is persons), and each cross-field rule ``a ≤ b``.
    Warnings: a change of more than 50 % against the previous year's value (when that value is positive).
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    population = values.get("population")
    if population is not None and population < MIN_POPULATION:
        errors.append(
            Problem(
                "population",
                _("%(name)s is %(value)s, below %(min)s: the unit is persons, not 10,000 persons (万人).")
                % {"name": elements["population"].name, "value": _fmt(population), "min": MIN_POPULATION},
            )
        )
    for smaller, larger in NOT_GREATER_THAN:
        small_value, large_value = values.get(smaller), values.get(larger)
        if small_value is not None and large_value is not None and small_value > large_value:
            errors.append(
                Problem(
                    smaller,
                    _("%(small)s (%(small_value)s) must not exceed %(large)s (%(large_value)s).")
                    % {
                        "small": elements[smaller].name,
                        "small_value": _fmt(small_value),
                        "large": elements[larger].name,
                        "large_value": _fmt(large_value),
                    },
                )
            )
    for code, value in values.items():
        element = elements.get(code)
        before = (previous or {}).get(code)
        if element is None or element.value_type == ValueType.BOOLEAN or value is None or not before:
            continue
        if abs(value - before) / before > WARNING_CHANGE_RATIO:
            warnings.append(
                Problem(
                    code,
                    _(
                        "%(name)s changed from %(before)s last year to %(value)s (more than 50%%): please confirm with a comment."
                    )
                    % {"name": element.name, "before": _fmt(before), "value": _fmt(value)},
                )
            )
    return errors, warnings


def format_value(value: Decimal | None, element: DataElement) -> str:
    """A stored value as people type it: 是/否 for yes-no, numbers without trailing zeros; '' when empty."""
    if value is None:
        return ""
    if element.value_type == ValueType.BOOLEAN:
        return "是" if value else "否"
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return str(int(normalized))
    return format(normalized, "f")


def _fmt(value: Decimal) -> str:
    """A value for messages: no trailing zeros, thousands separators."""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return f"{int(normalized):,}"
    return f"{normalized:,f}"
