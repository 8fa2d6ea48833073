"""One formatter for numbers, yes/no and money, used by pages, import previews and exports alike.

* ``format_number``: thousands separators, at most ``places`` decimals, no trailing zeros (1234.5 → "1,234.5");
* ``format_plain``: the same without separators, as people type values back into a form or template;
* ``format_bool``: 是/否 (through the translation machinery: Yes/No in English);
* ``format_money``: 万元 with exactly two decimals and separators ("1,234.50");
* ``format_percent``: a fraction as a percentage ("0.6" → "60.0%");
* ``format_value``: a stored element value by its kind (``"boolean"`` or a number).

``None`` is shown as ``empty`` (an em dash by default); no function here ever raises on a stored value.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

EMPTY = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def round_to(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _trimmed(value: Decimal, places: int | None) -> Decimal:
    if places is not None:
        value = round_to(value, places)
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return normalized.quantize(Decimal(1))
    return normalized


def format_number(value, *, places: int | None = 4, grouping: bool = True, empty: str = EMPTY) -> str:
    number = _decimal(value)
    if number is None:
        return empty if value is None or value == "" else str(value)
    trimmed = _trimmed(number, places)
    return f"{trimmed:,f}" if grouping else f"{trimmed:f}"


def format_plain(value, *, places: int | None = None, empty: str = "") -> str:
    """A number as typed into a form: no separators, no trailing zeros; '' when empty."""
    return format_number(value, places=places, grouping=False, empty=empty)


def format_bool(value, *, empty: str = EMPTY) -> str:
    if value is None or value == "":
        return empty
    return _("Yes") if bool(value) else _("No")


def format_money(value, *, empty: str = EMPTY, grouping: bool = True) -> str:
    """万元 with two decimals: ``Decimal("1234.5")`` → ``"1,234.50"``."""
    number = _decimal(value)
    if number is None:
        return empty
    rounded = round_to(number, 2)
    return f"{rounded:,.2f}" if grouping else f"{rounded:.2f}"


def format_percent(fraction, *, places: int = 1, empty: str = EMPTY) -> str:
    """A fraction as a percentage: ``Decimal("0.6")`` → ``"60.0%"``; ``None`` (undefined) → ``empty``."""
    number = _decimal(fraction)
    if number is None:
        return empty
    return f"{round_to(number * 100, places):,.{places}f}%"


def format_value(value, kind: str = "", *, places: int | None = 4, grouping: bool = True, empty: str = EMPTY):
    """A stored element value by its kind: ``"boolean"`` → 是/否, anything else a number."""
    if kind == "boolean":
        return format_bool(value, empty=empty)
    return format_number(value, places=places, grouping=grouping, empty=empty)
