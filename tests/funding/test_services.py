"""The ledger services: role × source permissions, the invariants on create / edit / delete, Decimal only."""

import datetime
from decimal import Decimal

import pytest

from config.access import NotAllowed
from config.errors import InvalidInput, InvariantBroken
from funding import services
from funding.models import FundBalance, FundEntry
from tests import factories

from .conftest import record

pytestmark = pytest.mark.django_db


KINDS = ("allocation", "disbursement", "expenditure")
SOURCES = ("regional", "league", "county")

# Who may write which (kind, source) for 150121 (league 150100).
EXPECTED = {
    "region": {(k, s) for k in KINDS for s in SOURCES},
    "league_staff": {("allocation", "league"), ("disbursement", "league")},
    "county_staff": {
        ("allocation", "county"),
        ("disbursement", "county"),
        ("expenditure", "county"),
        ("expenditure", "regional"),
        ("expenditure", "league"),
    },
    "auditor": set(),
    "other_county_staff": set(),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_role_by_source_permissions(request, who, region):
    user = request.getfixturevalue(who)
    # Give every pair money so that only the permission can refuse.
    for source in SOURCES:
        record(region, "allocation", source, "100")
        record(region, "disbursement", source, "50")
    allowed = set()
    for kind in KINDS:
        for source in SOURCES:
            try:
                record(user, kind, source, "1")
            except NotAllowed:
                continue
            allowed.add((kind, source))
    assert allowed == EXPECTED[who]


def test_league_staff_of_another_league_may_not_write_league_funds(region):
    other = factories.league_user("150200", username="baotou")
    with pytest.raises(NotAllowed):
        record(other, "allocation", "league", "10")
    assert record(other, "allocation", "league", "10", county="150222").amount == Decimal("10.00")


def test_amounts_are_decimal_with_two_places(region):
    entry = record(region, "allocation", "regional", "100.5")
    entry.refresh_from_db()
    assert isinstance(entry.amount, Decimal) and entry.amount == Decimal("100.50")
    balance = FundBalance.objects.get(county=entry.county, source="regional")
    assert isinstance(balance.allocated, Decimal) and balance.allocated == Decimal("100.50")
    for bad in ("0", "-1", "1.234", "abc"):
        with pytest.raises(InvalidInput):
            record(region, "allocation", "regional", bad)
    with pytest.raises(InvalidInput):
        services.clean_amount(float("nan"))


def test_create_refuses_disbursing_more_than_allocated(region):
    record(region, "allocation", "regional", "100")
    record(region, "disbursement", "regional", "60")
    with pytest.raises(InvariantBroken) as refusal:
        record(region, "disbursement", "regional", "40.01")
    message = refusal.value.message
    assert "土默特左旗" in message and "100.01" in message and "100.00" in message
    assert FundEntry.objects.filter(kind="disbursement").count() == 1


def test_create_refuses_spending_more_than_disbursed(region, county_staff):
    record(region, "allocation", "regional", "100")
    record(region, "disbursement", "regional", "30")
    record(county_staff, "expenditure", "regional", "30")
    with pytest.raises(InvariantBroken) as refusal:
        record(county_staff, "expenditure", "regional", "0.01")
    assert "30.01" in refusal.value.message and "30.00" in refusal.value.message


def test_invariants_are_per_source(region):
    record(region, "allocation", "regional", "100")
    with pytest.raises(InvariantBroken):
        record(region, "disbursement", "league", "1")


def test_edit_refuses_breaking_an_invariant(region, county_staff):
    record(region, "allocation", "regional", "100")
    tranche = record(region, "disbursement", "regional", "50")
    spend = record(county_staff, "expenditure", "regional", "40")
    with pytest.raises(InvariantBroken):
        services.update_fund_entry(user=region, entry=tranche, amount=Decimal("39"))
    with pytest.raises(InvariantBroken):
        services.update_fund_entry(user=county_staff, entry=spend, amount=Decimal("50.01"))
    # Moving the expenditure to another source breaks that source.
    with pytest.raises(InvariantBroken):
        services.update_fund_entry(user=county_staff, entry=spend, source="county")
    tranche.refresh_from_db()
    spend.refresh_from_db()
    assert (tranche.amount, spend.amount, spend.source) == (Decimal("50.00"), Decimal("40.00"), "regional")
    services.update_fund_entry(user=county_staff, entry=spend, amount=Decimal("50"))
    assert FundBalance.objects.get(source="regional").spent == Decimal("50.00")


def test_delete_refuses_breaking_an_invariant(region, county_staff):
    allocation = record(region, "allocation", "regional", "100")
    tranche = record(region, "disbursement", "regional", "50")
    spend = record(county_staff, "expenditure", "regional", "10")
    with pytest.raises(InvariantBroken):
        services.delete_fund_entry(user=region, entry=allocation)
    with pytest.raises(InvariantBroken):
        services.delete_fund_entry(user=region, entry=tranche)
    services.delete_fund_entry(user=county_staff, entry=spend)
    services.delete_fund_entry(user=region, entry=tranche)
    services.delete_fund_entry(user=region, entry=allocation)
    assert not FundEntry.objects.exists()
    assert FundBalance.objects.get(source="regional").allocated == Decimal("0.00")


def test_edit_checks_permission_of_old_and_new_source(region, county_staff):
    record(region, "allocation", "regional", "100")
    allocation = record(county_staff, "allocation", "county", "10")
    with pytest.raises(NotAllowed):
        services.update_fund_entry(user=county_staff, entry=allocation, source="regional")
    regional = FundEntry.objects.get(source="regional")
    with pytest.raises(NotAllowed):
        services.update_fund_entry(user=county_staff, entry=regional, amount=Decimal("1"))


def test_history_keeps_who_and_old_and_new_values(region):
    entry = record(region, "allocation", "regional", "100")
    services.update_fund_entry(user=region, entry=entry, amount=Decimal("120"))
    records = list(entry.history.order_by("history_date"))
    assert [r.amount for r in records] == [Decimal("100.00"), Decimal("120.00")]
    assert all(r.history_user == region for r in records)


def test_document_number_identifies_an_entry(region):
    record(region, "allocation", "regional", "100", doc_no="内知发〔2024〕1号")
    with pytest.raises(InvalidInput):
        record(region, "allocation", "regional", "5", doc_no="内知发〔2024〕1号")


def test_expenditures_need_a_category_others_none(region, county_staff):
    record(region, "allocation", "regional", "100")
    record(region, "disbursement", "regional", "50")
    with pytest.raises(InvalidInput):
        services.create_fund_entry(
            user=county_staff,
            county=factories.county(),
            kind="expenditure",
            source="regional",
            date=datetime.date(2024, 5, 1),
            amount=Decimal("1"),
            doc_no="PZ-1",
        )
    allocation = record(region, "allocation", "league", "5", category="other")
    assert allocation.category == ""
