"""SPEC §3 parsing and validation: what people type is read, bad values are refused with Chinese messages."""

from decimal import Decimal

import pytest
from django.utils import translation

from indicators.models import DataElement
from indicators.parsing import ValueParseError, parse_value, validate_values

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def elements():
    return {e.code: e for e in DataElement.objects.all()}


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("123", Decimal(123)),
        ("１２３", Decimal(123)),
        ("1,234", Decimal(1234)),
        ("１，２３４", Decimal(1234)),
        ("  56  ", Decimal(56)),
        ("1 234", Decimal(1234)),
        ("0", Decimal(0)),
        ("", None),
        ("   ", None),
        (None, None),
        (42, Decimal(42)),
    ],
)
def test_counts_tolerate_what_people_type(elements, raw, expected):
    assert parse_value(raw, elements["trademarks_registered"]) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("120.5", Decimal("120.5")), ("1,200.25", Decimal("1200.25")), ("３.５", Decimal("3.5"))],
)
def test_amounts_accept_decimals(elements, raw, expected):
    assert parse_value(raw, elements["enterprise_ip_investment"]) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("是", 1),
        ("否", 0),
        ("Y", 1),
        ("n", 0),
        ("1", 1),
        ("0", 0),
        ("有", 1),
        ("无", 0),
        (" 是 ", 1),
        ("１", 1),
    ],
)
def test_yes_no_answers(elements, raw, expected):
    assert parse_value(raw, elements["ip_office_established"]) == Decimal(expected)


@pytest.mark.parametrize(
    "code, raw, words",
    [
        ("trademarks_registered", "-5", "负数"),
        ("trademarks_registered", "12.5", "整数"),
        ("trademarks_registered", "abc", "不是数字"),
        ("trademarks_registered", "10%", "百分比"),
        ("enterprise_ip_investment", "-0.5", "负数"),
        ("ip_office_established", "可能", "是/否"),
    ],
)
def test_type_and_range_errors_have_chinese_messages(elements, code, raw, words):
    with pytest.raises(ValueParseError) as info:
        parse_value(raw, elements[code])
    assert raw in info.value.message
    assert words in info.value.message, info.value.message


def test_population_below_1000_is_an_error_naming_the_unit(elements):
    errors, warnings = validate_values({"population": Decimal(35)}, elements)
    assert [e.element_code for e in errors] == ["population"]
    assert "年末常住人口" in errors[0].message and "万人" in errors[0].message
    assert validate_values({"population": Decimal(1000)}, elements) == ([], [])


@pytest.mark.parametrize(
    "smaller, larger",
    [
        ("hightech_patents_implemented", "hightech_patents_held"),
        ("industrial_patents_implemented", "industrial_patents_held"),
        ("hightech_certified", "hightech_enterprises"),
        ("above_scale_with_patents", "above_scale_enterprises"),
        ("above_scale_ip_output", "above_scale_output"),
    ],
)
def test_cross_field_rules(elements, smaller, larger):
    errors, _ = validate_values({smaller: Decimal(11), larger: Decimal(10)}, elements)
    assert [e.element_code for e in errors] == [smaller]
    assert elements[smaller].name in errors[0].message and elements[larger].name in errors[0].message
    assert validate_values({smaller: Decimal(10), larger: Decimal(10)}, elements) == ([], [])
    assert validate_values({smaller: Decimal(11), larger: None}, elements) == ([], [])


def test_a_change_over_50_percent_is_a_warning_not_an_error(elements):
    previous = {"trademarks_registered": Decimal(100), "enterprise_ip_investment": Decimal(100)}
    errors, warnings = validate_values(
        {"trademarks_registered": Decimal(151), "enterprise_ip_investment": Decimal(49)}, elements, previous
    )
    assert errors == []
    assert {w.element_code for w in warnings} == {"trademarks_registered", "enterprise_ip_investment"}
    assert "有效注册商标量" in next(w.message for w in warnings if w.element_code == "trademarks_registered")


def test_no_warning_at_50_percent_or_without_a_previous_value(elements):
    previous = {"trademarks_registered": Decimal(100), "gi_products": Decimal(0)}
    values = {
        "trademarks_registered": Decimal(150),
        "gi_products": Decimal(3),
        "copyright_registrations": Decimal(9),
    }
    assert validate_values(values, elements, previous) == ([], [])


def test_yes_no_changes_are_never_warnings(elements):
    assert validate_values(
        {"ip_office_established": Decimal(0)}, elements, {"ip_office_established": Decimal(1)}
    ) == (
        [],
        [],
    )
