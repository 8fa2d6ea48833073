"""Two concurrent writers cannot break an invariant together (PostgreSQL: the balance row lock serialises them)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from config.errors import InvariantBroken
from funding import services
from funding.models import FundBalance, FundEntry
from tests import factories

from .conftest import record

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _race(*writers):
    """Run ``writers`` at the same moment in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(writers))
    results = [None] * len(writers)

    def run(index, writer):
        try:
            barrier.wait(timeout=10)
            results[index] = writer()
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert on
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_disbursements_racing_against_one_allocation():
    region = factories.region_user(username="race_region")
    record(region, "allocation", "regional", "100")
    results = _race(
        lambda: record(region, "disbursement", "regional", "60", doc_no="T-1"),
        lambda: record(region, "disbursement", "regional", "60", doc_no="T-2"),
    )
    refused = [r for r in results if isinstance(r, InvariantBroken)]
    assert len(refused) == 1, results
    assert FundEntry.objects.filter(kind="disbursement").count() == 1
    assert FundBalance.objects.get(source="regional").disbursed == Decimal("60.00")


def test_an_expenditure_racing_against_shrinking_its_tranche():
    region = factories.region_user(username="race_region2")
    county_staff = factories.county_user("150121", username="race_county")
    record(region, "allocation", "county", "100")
    tranche = record(region, "disbursement", "county", "50")
    record(county_staff, "expenditure", "county", "30")
    results = _race(
        lambda: record(county_staff, "expenditure", "county", "15", doc_no="PZ-RACE"),
        lambda: services.update_fund_entry(user=region, entry=tranche, amount=Decimal("40")),
    )
    assert sum(isinstance(r, InvariantBroken) for r in results) == 1, results
    balance = FundBalance.objects.get(source="county")
    assert balance.spent <= balance.disbursed <= balance.allocated
