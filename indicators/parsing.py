"""Parsing and validation of annual data values: the one place shared by browser entry and Excel import.

``parse_value`` turns what people type or paste into a ``Decimal`` (yes/no as 1/0) with the kernel's strict
parser (``config.parsing``: the same rules for forms and imports) or raises ``ValueParseError`` with a Chinese
message; ``validate_values`` applies SPEC §3's range and cross-field rules
(errors) and the large-change check against the previous year (warnings that need a confirming comment).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from config.formatting import format_number
from config.parsing import (
    ValueParseError,
    is_blank,
    parse_boolean,
    parse_number,
)

from .catalogue import MIN_POPULATION, NOT_GREATER_THAN, WARNING_CHANGE_RATIO
from .models import DataElement, ValueType

__all__ = [
    "Problem",
    "ValueParseError",
    "is_blank",
    "parse_boolean",
    "parse_number",
    "parse_value",
    "validate_values",
]


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


def _fmt(value: Decimal) -> str:
    """A value for messages: the kernel's formatter (thousands separators, no trailing zeros)."""
    return format_number(value, places=None)
