"""The fund sheets of the auditor workbook (SPEC §10) and the exports of the funding lists.

* ``资金``: 盟市, 县代码, 县名称, 年度, 资金来源, 下达(万元), 拨付(万元), 支出(万元), 执行率 — one row per county,
  year and source, amounts of that year, execution rate = spent / allocated of that year (empty when nothing
  was allocated that year);
* ``资金明细``: 县代码, 县名称, 类型, 资金来源, 日期, 金额(万元), 文号, 支出类别, 说明 — one row per entry, then the
  override reason of a gated tranche and the evidence count.

Sheet titles and headers are a file contract (the same in every UI language).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from config.spreadsheets import escape_cell
from counties.scoping import scope_queryset
from indicators.exporting import AuditSheet

from .models import CATEGORY_NAMES, KIND_NAMES, SOURCE_FULL_NAMES, ZERO, FundEntry, Source
from .selectors import entry_list, ratio

FUNDS_SHEET = "资金"
FUNDS_HEADERS = [
    "盟市",
    "县代码",
    "县名称",
    "年度",
    "资金来源",
    "下达(万元)",
    "拨付(万元)",
    "支出(万元)",
    "执行率",
]
DETAIL_SHEET = "资金明细"
DETAIL_HEADERS = [
    "县代码",
    "县名称",
    "类型",
    "资金来源",
    "日期",
    "金额(万元)",
    "文号",
    "支出类别",
    "说明",
    "放行理由",
    "佐证材料数",
]
OVERVIEW_SHEET = "资金执行"
OVERVIEW_HEADERS = [
    "盟市",
    "县代码",
    "县名称",
    "下达(万元)",
    "拨付(万元)",
    "支出(万元)",
    "结余(万元)",
    "执行率",
    "拨付率",
    "配套比例",
    "超12个月未支出(万元)",
]
MONEY = "#,##0.00"
PERCENT = "0.00%"


def funds_sheet(user, year: int | None = None) -> AuditSheet:
    entries = scope_queryset(user, FundEntry.objects.all())
    if year:
        entries = entries.filter(year=year)
    sums = defaultdict(lambda: {"allocation": ZERO, "disbursement": ZERO, "expenditure": ZERO})
    counties = {}
    rows = (
        entries.values(
            "county_id", "county__code", "county__name", "county__league__name", "year", "source", "kind"
        )
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        key = (row["county__code"], row["year"], Source.values.index(row["source"]), row["source"])
        sums[key][row["kind"]] = row["total"]
        counties[row["county__code"]] = (row["county__league__name"], row["county__name"])
    out = []
    for key in sorted(sums):
        code, year_, _order, source = key
        league, name = counties[code]
        amounts = sums[key]
        out.append(
            [
                escape_cell(league),
                code,
                escape_cell(name),
                year_,
                SOURCE_FULL_NAMES[source],
                amounts["allocation"],
                amounts["disbursement"],
                amounts["expenditure"],
                ratio(amounts["expenditure"], amounts["allocation"]),
            ]
        )
    return AuditSheet(
        title=FUNDS_SHEET,
        headers=FUNDS_HEADERS,
        rows=out,
        number_formats={
            "年度": "0",
            "下达(万元)": MONEY,
            "拨付(万元)": MONEY,
            "支出(万元)": MONEY,
            "执行率": PERCENT,
        },
    )


def detail_sheet(entries) -> AuditSheet:
    """The 资金明细 sheet of ``entries`` (a queryset from ``selectors.entry_list``, scoped and filtered)."""
    rows = [
        [
            entry.county.code,
            escape_cell(entry.county.name),
            KIND_NAMES[entry.kind],
            SOURCE_FULL_NAMES[entry.source],
            entry.date,
            entry.amount,
            escape_cell(entry.doc_no),
            CATEGORY_NAMES.get(entry.category, ""),
            escape_cell(entry.description),
            escape_cell(entry.override_reason),
            entry.evidence_count,
        ]
        for entry in entries.order_by("county__code", "date", "pk")
    ]
    return AuditSheet(
        title=DETAIL_SHEET,
        headers=DETAIL_HEADERS,
        rows=rows,
        number_formats={"日期": "yyyy-mm-dd", "金额(万元)": MONEY},
        widths={"县名称": 14, "文号": 24, "说明": 36, "放行理由": 30},
    )


def overview_sheet(leagues) -> AuditSheet:
    """The regional overview as a sheet: one row per county of ``selectors.overview``."""
    rows = []
    for league in leagues:
        for row in league.counties:
            total = row.figures.total
            rows.append(
                [
                    escape_cell(league.league.name),
                    row.county.code,
                    escape_cell(row.county.name),
                    total.allocated,
                    total.disbursed,
                    total.spent,
                    total.balance,
                    total.execution_rate,
                    total.disbursement_rate,
                    row.figures.matching_ratio,
                    row.cumulative.total.stale_unspent,
                ]
            )
    money = {header: MONEY for header in OVERVIEW_HEADERS if "万元" in header}
    rates = {header: PERCENT for header in ("执行率", "拨付率", "配套比例")}
    return AuditSheet(title=OVERVIEW_SHEET, headers=OVERVIEW_HEADERS, rows=rows, number_formats=money | rates)


def audit_sheets(user, year: int | None = None) -> list[AuditSheet]:
    return [funds_sheet(user, year), detail_sheet(entry_list(user, year=year))]
