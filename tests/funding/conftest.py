"""Helpers for the funding tests: a ledger writer that fills in document numbers and dates."""

import datetime
import itertools

import pytest

from funding import services
from tests import factories

_numbers = itertools.count(1)


def record(user, kind, source, amount, *, county="150121", date=None, doc_no=None, category="", **extra):
    """Create an entry through the service (the path every page and import uses)."""
    if kind == "expenditure" and not category:
        category = "patent_subsidy"
    if kind == "disbursement" and source == "regional":
        extra.setdefault("override_reason", "测试：放行")  # the gate has its own tests
    return services.create_fund_entry(
        user=user,
        county=factories.county(county),
        kind=kind,
        source=source,
        date=date or datetime.date(2024, 3, 1),
        amount=amount,
        doc_no=doc_no or f"DOC-{next(_numbers)}",
        category=category,
        **extra,
    )


@pytest.fixture
def ledger():
    return record
