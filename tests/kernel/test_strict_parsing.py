"""SPEC §3 "Tolerant is not lax": one strict parser shared by forms and imports."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from config.forms import BootstrapFormMixin
from config.parsing import (
    ValueParseError,
    clean_text,
    parse_boolean,
    parse_date,
    parse_number,
    parse_text,
)
from indicators.importing import import_workbook
from indicators.models import AnnualReport
from tests import factories
from tests.indicators.excel_support import row, workbook_bytes
from tests.indicators.test_entry import VALID_INPUT, entry_url, post_data
from training.models import TrainingEvent


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1,234", Decimal(1234)),
        ("１２，３４５，６７８", Decimal(12345678)),
        ("1 234 567", Decimal(1234567)),
        (" 56 ", Decimal(56)),
        ("1,234.5", Decimal("1234.5")),
        ("0.0001", Decimal("0.0001")),
        ("1.50000", Decimal("1.5")),
        (86.25, Decimal("86.25")),
    ],
)
def test_what_people_type_is_read(raw, expected):
    assert parse_number(raw, whole=False) == expected


@pytest.mark.parametrize(
    "raw, words",
    [
        ("1,05", "每三位"),
        ("12,34,5", "每三位"),
        ("12345,678", "每三位"),
        ("1,234 567", "每三位"),
        ("١٢٣", "其他文字的数字"),
        ("१२३", "其他文字的数字"),
        ("0.00001", "小数超过 4 位"),
        (0.00001, "小数超过 4 位"),
        ("1.2.3", "不是数字"),
    ],
)
def test_silent_guesses_are_errors(raw, words):
    with pytest.raises(ValueParseError) as caught:
        parse_number(raw, whole=False)
    assert words in caught.value.message, caught.value.message


def test_yes_no_dates_and_text():
    assert parse_boolean("是") == 1 and parse_boolean(1.0) == 1 and parse_boolean("N") == 0
    assert parse_date("２０２４年４月２６日") == datetime.date(2024, 4, 26)
    assert parse_date(45408) == datetime.date(2024, 4, 26)
    with pytest.raises(ValueParseError):
        parse_date("昨天")
    assert parse_text("  专利培训 ") == "专利培训"
    for bad in ("培训\x1b", "培\x0b训", "两行\n标题"):
        with pytest.raises(ValueParseError) as caught:
            parse_text(bad)
        assert "控制字符" in caught.value.message
    assert parse_text("第一行\r\n第二行", multiline=True) == "第一行\n第二行"
    assert clean_text("标题\x1b\x0b 二\n") == "标题 二 "
    assert clean_text("备注\x00\r\n下一行", multiline=True) == "备注\n下一行"


def test_the_import_refuses_1_05(county_staff):
    result = import_workbook(workbook_bytes([row(gi_products="1,05")]), "a.xlsx", county_staff)
    (problem,) = result.problems
    assert (problem.field, problem.value) == ("gi_products", "1,05") and "每三位" in problem.message
    assert not AnnualReport.objects.exists()


@pytest.mark.django_db
def test_the_entry_form_refuses_1_05(client_for, county_staff):
    factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)
    values = dict(VALID_INPUT, gi_products="1,05")
    response = client_for(county_staff).post(entry_url(), post_data(values))
    assert response.status_code == 200
    assert any("每三位" in e for e in response.context["form"].errors["v_gi_products"])
    assert not AnnualReport.objects.filter(county__code="150121", year=2024).exists()


@pytest.mark.django_db
def test_the_event_form_refuses_1_05_and_cleans_control_characters(client_for, county_staff):
    data = {
        "county": factories.county("150121").pk,
        "date": "2024-05-01",
        "title": "培训\x1b标题\x0b",
        "kind": "training",
        "organiser_kind": "bureau",
        "publicity_week": "auto",
        "notes": "第一行\r\n第二行\x07",
        "headcount_service": "1,05",
    }
    client = client_for(county_staff)
    response = client.post(reverse("training:event_create"), data)
    assert "每三位" in str(response.context["form"].errors["headcount_service"])
    assert not TrainingEvent.objects.exists()
    response = client.post(reverse("training:event_create"), dict(data, headcount_service="1,050"))
    assert response.status_code == 302
    event = TrainingEvent.objects.get()
    assert (event.title, event.notes) == ("培训标题", "第一行\n第二行")


def test_every_shared_form_cleans_text():
    from django import forms

    class Form(BootstrapFormMixin, forms.Form):
        name = forms.CharField()
        password = forms.CharField(widget=forms.PasswordInput)

    form = Form({"name": " a\x1bb ", "password": "p\x1b"})
    assert form.is_valid()
    assert form.cleaned_data == {"name": "ab", "password": "p\x1b"}
