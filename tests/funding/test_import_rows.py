"""The many-rows service the Excel import lands through: identity, idempotence, all-or-nothing invariants and
permissions per row (the xlsx reading itself belongs to the shared pipeline)."""

import datetime
from decimal import Decimal

import pytest

from funding.models import FundBalance, FundEntry
from funding.services import ImportRefused, import_fund_rows
from tests import factories

pytestmark = pytest.mark.django_db


def _rows(*specs, county="150121"):
    rows = []
    for number, (kind, source, amount, doc_no, *rest) in enumerate(specs, start=3):
        rows.append(
            {
                "row": number,
                "county": factories.county(county),
                "kind": kind,
                "source": source,
                "date": datetime.date(2024, 3, number),
                "amount": Decimal(amount),
                "doc_no": doc_no,
                "category": rest[0] if rest else "",
                "description": "",
            }
        )
    return rows


LEDGER = (
    ("allocation", "regional", "100", "下达1"),
    ("disbursement", "regional", "60", "拨付1"),
    ("expenditure", "regional", "20", "PZ1", "project_support"),
)


def test_importing_the_same_rows_twice_changes_nothing(region):
    first = import_fund_rows(user=region, rows=_rows(*LEDGER))
    assert (first.created, first.changed, first.unchanged) == (3, 0, 0)
    history = sum(e.history.count() for e in FundEntry.objects.all())
    second = import_fund_rows(user=region, rows=_rows(*LEDGER))
    assert (second.created, second.changed, second.unchanged) == (0, 0, 3)
    assert sum(e.history.count() for e in FundEntry.objects.all()) == history
    changed = _rows(*LEDGER)
    changed[2]["amount"] = Decimal("25")
    assert import_fund_rows(user=region, rows=changed).changed == 1
    assert FundBalance.objects.get(source="regional").spent == Decimal("25.00")


def test_dry_run_changes_nothing(region):
    outcome = import_fund_rows(user=region, rows=_rows(*LEDGER), dry_run=True)
    assert outcome.created == 3 and not FundEntry.objects.exists()


def test_invariants_are_checked_over_stored_and_imported_rows_together(region):
    import_fund_rows(user=region, rows=_rows(("allocation", "regional", "100", "下达1")))
    with pytest.raises(ImportRefused) as refusal:
        import_fund_rows(
            user=region,
            rows=_rows(
                ("disbursement", "regional", "60", "拨付1"), ("disbursement", "regional", "50", "拨付2")
            ),
        )
    assert "110.00" in str(refusal.value) and "土默特左旗" in str(refusal.value)
    assert FundEntry.objects.count() == 1


def test_changing_a_stored_row_below_what_was_spent_is_refused(region):
    import_fund_rows(user=region, rows=_rows(*LEDGER))
    rows = _rows(*LEDGER)
    rows[1]["amount"] = Decimal("10")
    with pytest.raises(ImportRefused):
        import_fund_rows(user=region, rows=rows)
    assert FundEntry.objects.get(doc_no="拨付1").amount == Decimal("60.00")


def test_each_row_is_checked_against_what_the_user_may_write(league_staff):
    with pytest.raises(ImportRefused) as refusal:
        import_fund_rows(
            user=league_staff,
            rows=_rows(("allocation", "league", "10", "L1"), ("allocation", "regional", "10", "R1")),
        )
    assert [row for row, _m in refusal.value.outcome.problems] == [4]
    assert not FundEntry.objects.exists()


def test_a_second_regional_tranche_in_a_file_meets_the_gate(region):
    with pytest.raises(ImportRefused) as refusal:
        import_fund_rows(
            user=region,
            rows=_rows(
                ("allocation", "regional", "100", "下达1"),
                ("disbursement", "regional", "50", "拨付1"),
                ("disbursement", "regional", "50", "拨付2"),
            ),
        )
    assert [row for row, _m in refusal.value.outcome.problems] == [5]
