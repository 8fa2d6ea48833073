"""The one formatter: numbers, yes/no and money the same on every page, preview and export."""

from decimal import Decimal

from django.utils import translation

from config.formatting import (
    format_bool,
    format_money,
    format_number,
    format_percent,
    format_plain,
    format_value,
)


def test_numbers_get_separators_and_lose_trailing_zeros():
    assert format_number(Decimal("279500.0000")) == "279,500"
    assert format_number(Decimal("1234.5000")) == "1,234.5"
    assert format_number(Decimal("0.00005"), places=4) == "0.0001"
    assert format_number(None) == "—"


def test_plain_numbers_are_typed_back_without_separators():
    assert format_plain(Decimal("279500.0000")) == "279500"
    assert format_plain(None) == ""


def test_yes_no_is_one_wording_everywhere():
    with translation.override("zh-hans"):
        assert format_bool(Decimal("1")) == "是"
        assert format_bool(Decimal("0")) == "否"
        assert format_value(Decimal("1"), "boolean") == "是"
    with translation.override("en"):
        assert format_value(Decimal("0"), "boolean") == "No"


def test_money_has_exactly_two_decimals():
    assert format_money(Decimal("1234.5")) == "1,234.50"
    assert format_money(Decimal("0.005")) == "0.01"
    assert format_money(None) == "—"


def test_percent_from_fraction():
    assert format_percent(Decimal("0.6")) == "60.0%"
    assert format_percent(None) == "—"
