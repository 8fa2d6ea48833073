"""The tranche gate with and without an override, and the figures on a worked example (with query counts)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from funding import services
from funding.gate import GateFailed, tranche_gate
from funding.models import FundEntry, TrancheGateSettings
from funding.selectors import county_figures, figures_for, overview
from indicators.models import CountyYearScore, ReportStatus
from tests import factories

from .conftest import record

pytestmark = pytest.mark.django_db


def _grade(year, grade, score):
    county = factories.county()
    factories.ReportFactory(county=county, year=year, status=ReportStatus.APPROVED)
    CountyYearScore.objects.update_or_create(
        county=county,
        year=year,
        defaults={"score": Decimal(score), "grade": grade, "computed_at": timezone.now()},
    )


def _tranche(user, amount, doc_no, **extra):
    return services.create_fund_entry(
        user=user,
        county=factories.county(),
        kind="disbursement",
        source="regional",
        date=datetime.date(2024, 6, 1),
        amount=amount,
        doc_no=doc_no,
        **extra,
    )


@pytest.fixture
def first_tranche(region, county_staff):
    record(region, "allocation", "regional", "300")
    first = _tranche(region, "100", "第一批")  # the first tranche is never gated
    assert first.override_reason == "" and first.gate_failures == []
    return first


def test_gate_passes_when_every_condition_holds(region, county_staff, first_tranche):
    _grade(2024, "良好", "80")
    record(county_staff, "expenditure", "regional", "60")  # 60 % of the first tranche
    check = tranche_gate(factories.county())
    assert check.applies and check.passed, check.failure_text()
    second = _tranche(region, "100", "第二批")
    assert second.override_reason == ""


def test_gate_fails_without_override_and_stores_the_override(region, county_staff, first_tranche):
    _grade(2024, "不合格", "50")
    record(county_staff, "expenditure", "regional", "59.99")
    check = tranche_gate(factories.county())
    assert check.failures == ["grade", "spent_rate"]
    with pytest.raises(GateFailed) as refusal:
        _tranche(region, "100", "第二批")
    assert "土默特左旗" in refusal.value.message
    assert not FundEntry.objects.filter(doc_no="第二批").exists()
    second = _tranche(region, "100", "第二批", override_reason="年底前集中支付，已核实")
    second.refresh_from_db()
    assert second.override_reason == "年底前集中支付，已核实"
    assert second.gate_failures == ["grade", "spent_rate"]


def test_gate_thresholds_are_editable_by_the_region_only(region, county_staff, first_tranche):
    _grade(2024, "不合格", "50")
    record(county_staff, "expenditure", "regional", "40")
    from config.access import NotAllowed

    with pytest.raises(NotAllowed):
        services.update_gate_settings(
            user=county_staff, min_grade="不合格", max_red_findings=0, min_spent_rate="0.4"
        )
    services.update_gate_settings(user=region, min_grade="不合格", max_red_findings=0, min_spent_rate="0.4")
    assert TrancheGateSettings.current().min_spent_rate == Decimal("0.4000")
    assert tranche_gate(factories.county()).passed


def test_no_approved_year_fails_the_grade_condition(region, first_tranche):
    assert tranche_gate(factories.county()).failures[0] == "grade"


def test_figures_on_a_worked_example(region, league_staff, county_staff, django_assert_num_queries):
    today = datetime.date(2025, 6, 30)
    record(region, "allocation", "regional", "200.00", date=datetime.date(2023, 3, 1))
    record(region, "disbursement", "regional", "100.00", date=datetime.date(2023, 4, 1))
    record(region, "disbursement", "regional", "50.00", date=datetime.date(2024, 9, 1))
    record(county_staff, "expenditure", "regional", "80.00", date=datetime.date(2024, 5, 1))
    record(league_staff, "allocation", "league", "50.00", date=datetime.date(2023, 5, 1))
    record(league_staff, "disbursement", "league", "50.00", date=datetime.date(2024, 8, 1))
    record(county_staff, "allocation", "county", "10.00", date=datetime.date(2024, 1, 1))
    record(county_staff, "disbursement", "county", "10.00", date=datetime.date(2024, 1, 2))
    record(county_staff, "expenditure", "county", "10.00", date=datetime.date(2024, 2, 1))
    county = factories.county()

    with django_assert_num_queries(2):
        figures = county_figures([county.pk], today=today)[county.pk]
    regional = figures.by_source["regional"]
    assert (regional.allocated, regional.disbursed, regional.spent) == (
        Decimal("200.00"),
        Decimal("150.00"),
        Decimal("80.00"),
    )
    assert regional.execution_rate == Decimal("0.4000")
    assert regional.disbursement_rate == Decimal("0.7500")
    assert regional.balance == Decimal("70.00")
    # FIFO: the 80 spent consume the 2023-04 tranche first; 20 of it is still unspent after 12 months. The
    # 2024-09 tranche is younger than 12 months.
    assert regional.stale_unspent == Decimal("20.00") and regional.idle
    league = figures.by_source["league"]
    assert league.stale_unspent == Decimal("0.00") and not league.idle  # paid 2024-08-01, within 12 months
    assert figures.matching_ratio == Decimal("0.2500")
    total = figures.total
    assert (total.allocated, total.disbursed, total.spent) == (
        Decimal("260.00"),
        Decimal("210.00"),
        Decimal("90.00"),
    )
    assert total.execution_rate == Decimal("0.3462")
    for value in (
        total.allocated,
        total.spent,
        total.execution_rate,
        figures.matching_ratio,
        regional.stale_unspent,
    ):
        assert isinstance(value, Decimal)

    year_2024 = figures_for(county, year=2024, today=today)
    assert year_2024.by_source["regional"].allocated == Decimal("0")
    assert year_2024.by_source["regional"].disbursed == Decimal("50.00")
    assert year_2024.by_source["regional"].execution_rate is None


def test_figures_queries_do_not_grow_with_counties(region, django_assert_num_queries):
    codes = ["150121", "150122", "150123", "150124", "150125"]
    for code in codes:
        record(region, "allocation", "regional", "10", county=code)
    ids = [factories.county(code).pk for code in codes]
    with django_assert_num_queries(2):
        figures = county_figures(ids)
    assert all(figures[pk].total.allocated == Decimal("10.00") for pk in ids)
    with django_assert_num_queries(3):
        leagues = overview(region, pilots_only=False, league="150100")
    assert sum(len(row.counties) for row in leagues) >= 5
