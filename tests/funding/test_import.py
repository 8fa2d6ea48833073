"""The fund ledger import (SPEC §10) on the shared pipeline: a worked file, idempotence, invariants and
permissions refused whole with nothing written, dry run, the command, hostile cells, the template round trip."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from config.excel import run_import
from funding.importing import CODES, LedgerImporter, write_ledger_template
from funding.models import FundBalance, FundEntry
from funding.selectors import template_entries
from indicators.models import ImportBatch
from tests import factories

pytestmark = pytest.mark.django_db

WORKED = [
    [
        "150121",
        "土默特左旗",
        "下达",
        "自治区",
        "2024-01-10",
        100,
        "内知发〔2024〕1号",
        None,
        "第一批专项资金",
    ],
    ["150121", None, "拨付", "自治区", datetime.date(2024, 2, 1), "60.5", "内财拨〔2024〕3号", None, None],
    ["150121", "土默特左旗", "支出", "自治区", "2024年3月5日", 20.25, "PZ-001", "专利资助", "发明专利资助"],
    ["150121", "土默特左旗", "allocation", "county", "2024-01-15", "30", "土财〔2024〕8号", None, None],
    ["150121", "土默特左旗", "disbursement", "county", "2024-01-20", "30", "土财拨〔2024〕9号", None, None],
    ["150121", "土默特左旗", "expenditure", "county", "2024-04-01", "12", "PZ-002", "project_support", None],
]


def workbook_bytes(rows, codes=CODES, *, labels=True) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if labels:
        sheet.append(
            ["县代码", "县名称", "类型", "资金来源", "日期", "金额(万元)", "文号", "支出类别", "说明"]
        )
    sheet.append(list(codes))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(user, rows, *, dry_run=False, **kwargs):
    return run_import(
        LedgerImporter(user), workbook_bytes(rows, **kwargs), file_name="台账.xlsx", dry_run=dry_run
    )


def messages(result) -> str:
    return "\n".join(str(problem) for problem in result.problems)


def test_a_worked_file_lands_with_decimal_amounts_and_balances(region):
    result = run(region, WORKED)
    assert result.ok, messages(result)
    assert (result.created, result.changed, result.unchanged) == (6, 0, 0)
    assert result.landed and ImportBatch.objects.get(app="funding", kind="ledger").values_created == 6
    tranche = FundEntry.objects.get(doc_no="内财拨〔2024〕3号")
    assert tranche.amount == Decimal("60.50") and isinstance(tranche.amount, Decimal)
    spent = FundEntry.objects.get(doc_no="PZ-001")
    assert (spent.date, spent.category, spent.description) == (
        datetime.date(2024, 3, 5),
        "patent_subsidy",
        "发明专利资助",
    )
    regional = FundBalance.objects.get(county__code="150121", source="regional")
    assert (regional.allocated, regional.disbursed, regional.spent) == (
        Decimal("100.00"),
        Decimal("60.50"),
        Decimal("20.25"),
    )
    assert FundEntry.objects.get(doc_no="PZ-002").category == "project_support"


def test_importing_the_same_file_twice_changes_nothing(region):
    assert run(region, WORKED).landed
    history = sum(entry.history.count() for entry in FundEntry.objects.all())
    second = run(region, WORKED)
    assert second.ok and not second.landed
    assert (second.created, second.changed, second.unchanged) == (0, 0, 6)
    assert ImportBatch.objects.filter(app="funding").count() == 1
    assert sum(entry.history.count() for entry in FundEntry.objects.all()) == history
    changed = [list(row) for row in WORKED]
    changed[2][5] = "25"
    third = run(region, changed)
    assert third.landed and (third.created, third.changed, third.unchanged) == (0, 1, 5)
    assert FundEntry.objects.get(doc_no="PZ-001").amount == Decimal("25.00")


def test_dry_run_writes_nothing(region):
    result = run(region, WORKED, dry_run=True)
    assert result.ok and result.created == 6
    assert not FundEntry.objects.exists() and not FundBalance.objects.exists()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        (  # disbursed > allocated
            [
                ["150121", "", "下达", "盟市", "2024-01-10", 10, "L-1", None, None],
                ["150121", "", "拨付", "盟市", "2024-01-11", "10.01", "L-2", None, None],
            ],
            ["土默特左旗", "盟市配套资金", "10.01", "10.00"],
        ),
        (  # spent > disbursed
            [
                ["150121", "", "下达", "旗县", "2024-01-10", 50, "C-1", None, None],
                ["150121", "", "拨付", "旗县", "2024-01-11", 20, "C-2", None, None],
                ["150121", "", "支出", "旗县", "2024-01-12", 30, "C-3", "其他", None],
            ],
            ["土默特左旗", "旗县自筹", "30.00", "20.00"],
        ),
    ],
)
def test_each_invariant_is_refused_whole_naming_county_source_and_amounts(region, rows, words):
    result = run(region, rows)
    assert not result.ok and not result.landed
    text = messages(result)
    for word in words:
        assert word in text, text
    assert not FundEntry.objects.exists() and not ImportBatch.objects.exists()


def test_invariants_count_what_is_stored_too(region, ledger):
    ledger(region, "allocation", "regional", "100", doc_no="A-1")
    ledger(region, "disbursement", "regional", "80", doc_no="D-1")
    ledger(region, "expenditure", "regional", "70", doc_no="E-1")
    # lowering the stored disbursement below what was spent, through the file
    result = run(region, [["150121", "", "拨付", "自治区", "2024-03-01", 60, "D-1", None, None]])
    assert not result.ok
    assert "70.00" in messages(result) and "60.00" in messages(result)
    assert FundEntry.objects.get(doc_no="D-1").amount == Decimal("80.00")


ROLE_ROWS = {
    "regional": ["150121", "", "下达", "自治区", "2024-01-10", 10, "R-1", None, None],
    "league": ["150121", "", "下达", "盟市", "2024-01-10", 10, "L-1", None, None],
    "county": ["150121", "", "下达", "旗县", "2024-01-10", 10, "C-1", None, None],
}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("region", {"regional", "league", "county"}),
        ("league_staff", {"league"}),
        ("county_staff", {"county"}),
    ],
)
def test_each_row_is_checked_against_role_and_source(request, role, allowed):
    user = request.getfixturevalue(role)
    for source, row in ROLE_ROWS.items():
        result = run(user, [row])
        if source in allowed:
            assert result.landed, (source, messages(result))
        else:
            assert not result.ok, source
            (problem,) = result.problems
            assert (problem.row, problem.column, problem.field) == (3, "D", "source")
            assert "土默特左旗" in problem.message


def test_a_refused_row_refuses_the_whole_file(league_staff):
    result = run(league_staff, [ROLE_ROWS["league"], ROLE_ROWS["regional"]])
    assert [problem.row for problem in result.problems] == [4]
    assert not FundEntry.objects.exists()


def test_counties_outside_the_scope_are_refused_naming_the_row(county_staff, auditor):
    row = ["150122", "", "支出", "旗县", "2024-01-10", 1, "X-1", "其他", None]
    result = run(county_staff, [ROLE_ROWS["county"], row])
    assert [(p.row, p.field) for p in result.problems] == [(4, "county_code")]
    refused = run(auditor, [ROLE_ROWS["county"]])
    assert not refused.ok and refused.problems[0].row is None
    assert not FundEntry.objects.exists()


def test_every_bad_cell_is_listed_with_row_column_value_and_why(region):
    rows = [
        ["150121", "托克托县", "借出", "中央", "2024-13-01", "-5", "", "专利资助", None],
        ["999999", "", "下达", "自治区", "2099-01-01", "1.234", "A-1", "", None],
        ["150121", "", "支出", "自治区", "2024-01-01", "0", "E-1", None, None],
        ["150121", "", "下达", "自治区", "2024-01-01", "1,05", "A-2", "其他", None],
    ]
    result = run(region, rows)
    found = {(p.row, p.column, p.field) for p in result.problems}
    assert {
        (3, "B", "county_name"),
        (3, "C", "kind"),
        (3, "D", "source"),
        (3, "E", "date"),
        (3, "F", "amount_wan"),
        (3, "G", "doc_no"),
        (4, "A", "county_code"),
        (4, "E", "date"),
        (4, "F", "amount_wan"),
        (5, "F", "amount_wan"),
        (5, "H", "category"),
        (6, "F", "amount_wan"),
        (6, "H", "category"),
    } <= found, found
    by_place = {(p.row, p.field): p for p in result.problems}
    assert by_place[(4, "amount_wan")].value == "1.234"
    assert "two" in by_place[(4, "amount_wan")].message or "2" in by_place[(4, "amount_wan")].message
    assert not FundEntry.objects.exists()


def test_the_same_entry_twice_in_a_file_is_refused(region):
    row = ["150121", "", "下达", "自治区", "2024-01-10", 10, "A-1", None, None]
    result = run(region, [row, row])
    assert [(p.row, p.field) for p in result.problems] == [(4, "doc_no")]


def test_a_gated_regional_tranche_is_sent_to_the_browser(region):
    rows = [
        ["150121", "", "下达", "自治区", "2024-01-10", 100, "A-1", None, None],
        ["150121", "", "拨付", "自治区", "2024-01-11", 50, "D-1", None, None],
        ["150121", "", "拨付", "自治区", "2024-01-12", 50, "D-2", None, None],
    ]
    result = run(region, rows)
    assert [(p.row, p.field) for p in result.problems] == [(5, "kind")]
    assert "override" in result.problems[0].message or "放行" in result.problems[0].message
    assert not FundEntry.objects.exists()


def test_a_formula_cell_is_refused_by_the_pipeline(region):
    rows = [["150121", "", "下达", "自治区", "2024-01-10", "=50*2", "A-1", None, None]]
    result = run(region, rows)
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(3, "F")] and "F3" in messages(result)
    assert not FundEntry.objects.exists()


def test_an_unknown_column_refuses_the_file(region):
    result = run(region, [["150121", *WORKED[0][1:], "x"]], codes=[*CODES, "bonus"])
    assert not result.ok and any(p.field == "bonus" for p in result.problems)


# -- the command ------------------------------------------------------------------------------------------


def test_the_command_imports_and_dry_runs(region, tmp_path, capsys):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(workbook_bytes(WORKED))
    call_command("import_funding", str(path), "--user", region.username, "--dry-run")
    assert "dry run" in capsys.readouterr().out and not FundEntry.objects.exists()
    call_command("import_funding", str(path), "--user", region.username)
    assert "landed" in capsys.readouterr().out and FundEntry.objects.count() == 6
    call_command("import_funding", str(path), "--user", region.username)
    assert "nothing changed" in capsys.readouterr().out and FundEntry.objects.count() == 6


def test_the_command_exits_non_zero_listing_every_problem(league_staff, tmp_path, capsys):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(workbook_bytes([ROLE_ROWS["regional"]]))
    with pytest.raises(CommandError):
        call_command("import_funding", str(path), "--user", league_staff.username)
    err = capsys.readouterr().err
    assert "3" in err and "D" in err and "source" in err and "土默特左旗" in err
    assert not FundEntry.objects.exists()


# -- the template -----------------------------------------------------------------------------------------


def test_template_round_trip(county_staff, region, ledger, tmp_path):
    ledger(region, "allocation", "regional", "100", doc_no="A-1")
    ledger(region, "disbursement", "regional", "50", doc_no="D-1")
    ledger(county_staff, "expenditure", "regional", "12.5", doc_no="E-1", description="=公式样的说明")
    ledger(county_staff, "allocation", "county", "30", doc_no="C-1")
    path = tmp_path / "template.xlsx"
    call_command("export_funding_template", str(path), "--county", "150121", "--user", county_staff.username)
    sheet = load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[1][:9]) == CODES
    assert "(10,000 yuan)" in values[0][5] or "万元" in values[0][5]
    # county staff get only what they may write: the expenditure and the county allocation
    assert sorted(row[6] for row in values[2:] if row[0]) == ["C-1", "E-1"]
    assert run_import(LedgerImporter(county_staff), path.read_bytes()).unchanged == 2
    # fill in a new row and change one
    sheet.append(
        ["150121", "土默特左旗", "支出", "自治区", datetime.date(2024, 5, 1), 7, "E-2", "其他", None]
    )
    for row in sheet.iter_rows(min_row=3):
        if row[6].value == "C-1":
            row[5].value = 35
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    result = run_import(LedgerImporter(county_staff), buffer.getvalue())
    assert result.landed, messages(result)
    assert (result.created, result.changed, result.unchanged) == (1, 1, 1)
    assert FundEntry.objects.get(doc_no="E-1").description == "=公式样的说明"
    assert FundEntry.objects.get(doc_no="C-1").amount == Decimal("35.00")


def test_template_of_every_entry_for_the_region(region, ledger, tmp_path):
    ledger(region, "allocation", "regional", "100", doc_no="A-1")
    ledger(region, "allocation", "league", "10", doc_no="L-1", county="150122")
    path = tmp_path / "all.xlsx"
    assert write_ledger_template(template_entries(), path) == 2
    assert len(template_entries(factories.county_user("150122", username="c2"))) == 0
    assert run_import(LedgerImporter(region), path.read_bytes()).unchanged == 2
