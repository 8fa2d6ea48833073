"""The fund ledger import (资金台账, SPEC §10) on the kernel's pipeline (``config.excel``), and its template.

* ``LedgerImporter.schema``: the codes row ``county_code, county_name, kind, source, date, amount_wan, doc_no,
  category, description`` (Chinese headings such as those of the auditor sheet 资金明细 are accepted too);
  unknown or repeated columns refuse the file. Reading, limits, formulas, hidden sheets: the kernel.
* ``LedgerImporter.plan``: every cell parsed with the strict parsers of ``config.parsing`` (``kind`` 下达/拨付/支出
  or the codes, ``source`` 自治区/盟市/旗县 or the codes, ``category`` for expenditures only, amounts ``Decimal``
  positive with at most two decimals, dates not in the future), the county code known and in the user's scope,
  its name matching, the row something the user may write (``funding.permissions.may_write``), an identity
  (county, kind, source, doc_no) once per file. Problems name row, column, value and why. A file whose rows
  all pass is then run through ``funding.services.import_fund_rows`` as a dry run: the invariants over stored
  and imported rows together, the tranche gate, and the new / changed / unchanged rows of the preview.
* ``LedgerImporter.apply``: ``import_fund_rows`` for real, inside the runner's transaction; a refusal there
  (the data changed since the plan) rolls back the whole file.
* ``write_ledger_template``: a labels row with units, the codes row, then the entries given (pre-filled, so a
  user can correct and re-import them).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from config.excel import Column, Importer, ImportRefused, ImportResult, Problem, Schema, escape_cell
from config.excel.reader import Sheet, SheetRow
from config.formatting import format_money
from config.parsing import (
    ValueParseError,
    choice_key,
    is_blank,
    parse_choice,
    parse_date,
    parse_number,
    parse_text,
)
from counties.scoping import visible_counties

from . import services
from .models import CATEGORY_NAMES, KIND_NAMES, SOURCE_NAMES, FundEntry, Kind, Source
from .permissions import may_import, may_write

APP_LABEL, KIND = "funding", "ledger"
MAX_DATA_ROWS = 5000

# (code, Chinese label with unit, accepted Chinese headings) of the columns, in order (SPEC §10).
COLUMNS = [
    ("county_code", gettext_lazy("County code"), {"县代码", "旗县代码", "行政区划代码"}),
    ("county_name", gettext_lazy("County name"), {"县名称", "旗县名称"}),
    ("kind", gettext_lazy("Kind (下达 / 拨付 / 支出)"), {"类型"}),
    ("source", gettext_lazy("Source (自治区 / 盟市 / 旗县)"), {"资金来源", "来源"}),
    ("date", gettext_lazy("Date"), {"日期"}),
    ("amount_wan", gettext_lazy("Amount (10,000 yuan)"), {"金额(万元)", "金额"}),
    ("doc_no", gettext_lazy("Document number (文号 / 凭证号)"), {"文号", "凭证号", "文号/凭证号"}),
    ("category", gettext_lazy("Expenditure category (expenditures only)"), {"支出类别"}),
    ("description", gettext_lazy("Description"), {"说明", "摘要"}),
]
CODES = [code for code, _label, _aliases in COLUMNS]
REQUIRED = {"county_code", "kind", "source", "date", "amount_wan", "doc_no"}

KIND_WORDS = {kind: {kind.value, name} for kind, name in KIND_NAMES.items()}
SOURCE_WORDS = {
    Source.REGIONAL: {"regional", "自治区", "自治区专项资金", "专项资金"},
    Source.LEAGUE: {"league", "盟市", "盟市配套资金", "配套资金"},
    Source.COUNTY: {"county", "旗县", "旗县自筹", "自筹"},
}
CATEGORY_WORDS = {category: {category.value, name} for category, name in CATEGORY_NAMES.items()}


def _code_text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return choice_key(raw)


def parse_amount(raw) -> Decimal:
    """万元, ``Decimal``, positive, at most two decimals (the strict parser of the forms)."""
    amount = parse_number(raw, whole=False, places=2)
    if amount is None or amount <= 0:
        raise ValueParseError(_("The amount must be positive."))
    if amount > services.MAX_AMOUNT:
        raise ValueParseError(_("The amount is too large."))
    return amount


def parse_entry_date(raw) -> datetime.date:
    date = parse_date(raw)
    if date > timezone.localdate():
        raise ValueParseError(_("The date is in the future: record entries once they have happened."))
    if date.year < services.FIRST_YEAR:
        raise ValueParseError(_("The date is before %(year)s.") % {"year": services.FIRST_YEAR})
    return date


PARSERS = {
    "county_code": _code_text,
    "county_name": lambda raw: parse_text(raw, max_length=100),
    "kind": lambda raw: parse_choice(raw, KIND_WORDS, _("kind")),
    "source": lambda raw: parse_choice(raw, SOURCE_WORDS, _("source")),
    "date": parse_entry_date,
    "amount_wan": parse_amount,
    "doc_no": lambda raw: parse_text(raw, max_length=100),
    "category": lambda raw: parse_choice(raw, CATEGORY_WORDS, _("expenditure category")),
    "description": lambda raw: parse_text(raw, multiline=True, max_length=2000),
}


def ledger_schema() -> Schema:
    return Schema(
        [
            Column(code, label, frozenset(aliases), PARSERS[code], code in REQUIRED)
            for code, label, aliases in COLUMNS
        ],
        strict=True,
        ignore_for_blank=frozenset({"county_name"}),
        max_data_rows=MAX_DATA_ROWS,
    )


# -- the plan ---------------------------------------------------------------------------------------------


@dataclass
class LedgerPlan:
    """The checked rows (dicts for ``import_fund_rows``) and, once they pass, the service's outcome."""

    rows: list[dict] = field(default_factory=list)
    sheet_rows: dict[int, SheetRow] = field(default_factory=dict)
    outcome: services.LedgerImport | None = None


def _check_county(row: SheetRow, counties: dict) -> object | None:
    code = row.parse("county_code")
    if code is None:
        return None
    county = counties.get(code)
    if county is None:
        row.problem("county_code", _("Unknown county code, or a county outside the counties you may see."))
        return None
    name = row.parse("county_name")
    if name and choice_key(name) != choice_key(county.name):
        row.problem(
            "county_name",
            _("The county name does not match code %(code)s (%(name)s).")
            % {"code": county.code, "name": county.name},
        )
    return county


def _check_category(row: SheetRow, kind: str | None) -> str:
    if kind is None:
        return ""
    if kind != Kind.EXPENDITURE:
        if not is_blank(row.raw("category")):
            row.problem("category", _("Only expenditures (支出) have a category; leave it empty."))
        return ""
    if is_blank(row.raw("category")):
        row.problem("category", _("Enter the expenditure category of this expenditure."))
        return ""
    return row.parse("category") or ""


def _check_row(user, row: SheetRow, counties: dict) -> dict | None:
    """One row's fields for ``import_fund_rows``, or ``None`` when a problem is recorded on the row."""
    county = _check_county(row, counties)
    kind, source = row.parse("kind"), row.parse("source")
    fields = {
        "row": row.number,
        "county": county,
        "kind": kind,
        "source": source,
        "date": row.parse("date"),
        "amount": row.parse("amount_wan"),
        "doc_no": row.parse("doc_no") or "",
        "category": _check_category(row, kind),
        "description": row.parse("description") or "",
    }
    if county is not None and kind and source and not may_write(user, county, kind, source):
        row.problem(
            "source",
            _("You may not record %(kind)s of the %(source)s for %(county)s.")
            % {"kind": Kind(kind).label, "source": Source(source).label, "county": county.name},
        )
    return None if row.problems else fields


def _check_identities(plan: LedgerPlan) -> None:
    """An entry (county, kind, source, doc_no) once per file: later repeats are problems of their row."""
    seen: dict[tuple, int] = {}
    kept = []
    for fields in plan.rows:
        identity = (fields["county"].pk, fields["kind"], fields["source"], fields["doc_no"])
        first = seen.setdefault(identity, fields["row"])
        if first == fields["row"]:
            kept.append(fields)
            continue
        plan.sheet_rows[fields["row"]].problem(
            "doc_no",
            _("The same entry (county, kind, source, document number) is also in row %(row)s.")
            % {"row": first},
        )
    plan.rows = kept


def _service_problems(plan: LedgerPlan, outcome: services.LedgerImport) -> list[Problem]:
    """The service's refusals as problems: invariants for the whole file, the tranche gate on its row."""
    problems = []
    for number, message in outcome.problems:
        row = plan.sheet_rows.get(number) if number is not None else None
        if row is None:
            problems.append(Problem.whole_file(message))
        else:
            problems.append(Problem.at(number, row.letters.get("kind", ""), "kind", row.raw("kind"), message))
    return problems


class LedgerImporter(Importer):
    app_label, kind = APP_LABEL, KIND
    refusals = (*Importer.refusals, services.ImportRefused)

    preview_headers = (
        gettext_lazy("County"),
        gettext_lazy("Kind"),
        gettext_lazy("Source"),
        gettext_lazy("Date"),
        gettext_lazy("Amount (10,000 yuan)"),
        gettext_lazy("Document number"),
        gettext_lazy("Category"),
    )

    def preview_rows(self, plan: LedgerPlan, result: ImportResult) -> list[dict]:
        rows = plan.outcome.rows if plan.outcome is not None else []
        return [_row_preview(row) for row in sorted(rows, key=lambda r: r.row)]

    def schema(self) -> Schema:
        return ledger_schema()

    def empty_plan(self, result: ImportResult) -> LedgerPlan:
        return LedgerPlan()

    def plan(self, sheet: Sheet, result: ImportResult, *, lock: bool) -> LedgerPlan:
        plan = LedgerPlan()
        counties = {c.code: c for c in visible_counties(self.user)}
        if not counties or not may_import(self.user):
            result.refuse(_("Your account may not record funds, so it cannot import the fund ledger."))
            return plan
        for row in sheet.rows:
            plan.sheet_rows[row.number] = row
            fields = _check_row(self.user, row, counties)
            if fields is not None:
                plan.rows.append(fields)
        _check_identities(plan)
        for row in sheet.rows:
            result.problems.extend(row.problems)
        result.rows = len(sheet.rows)
        if not result.ok or not plan.rows:
            return plan
        try:
            plan.outcome = services.import_fund_rows(user=self.user, rows=plan.rows, dry_run=True)
        except services.ImportRefused as refusal:
            result.problems.extend(_service_problems(plan, refusal.outcome))
            return plan
        result.created, result.changed = plan.outcome.created, plan.outcome.changed
        result.unchanged = plan.outcome.unchanged
        return plan

    def apply(self, plan: LedgerPlan, result: ImportResult) -> None:
        try:
            plan.outcome = services.import_fund_rows(user=self.user, rows=plan.rows)
        except services.ImportRefused as refusal:
            raise ImportRefused(
                " ".join(str(p.message) for p in _service_problems(plan, refusal.outcome))
            ) from None

    def refusal_message(self, exc: BaseException) -> str:
        if isinstance(exc, ImportRefused):
            return exc.message
        return super().refusal_message(exc)


# -- the preview ------------------------------------------------------------------------------------------


def _display(name: str, value) -> str:
    if value is None or value == "":
        return ""
    if name == "amount":
        return format_money(value)
    if name == "date":
        return value.isoformat()
    if name == "category":
        return CATEGORY_NAMES.get(value, value)
    return str(value)


ACTIONS = {"create": "created", "change": "changed", "unchanged": "unchanged"}


def _row_preview(row: services.RowOutcome) -> dict:
    entry = row.entry
    return {
        "row": row.row,
        "action": ACTIONS[row.action],
        "cells": [
            f"{entry.county.name} {entry.county.code}",
            KIND_NAMES.get(entry.kind, entry.kind),
            SOURCE_NAMES.get(entry.source, entry.source),
            entry.date.isoformat(),
            format_money(entry.amount),
            entry.doc_no,
            CATEGORY_NAMES.get(entry.category, ""),
        ],
        "changes": [
            {
                "field": str(FundEntry._meta.get_field(name).verbose_name),
                "old": _display(name, old),
                "new": _display(name, new),
            }
            for name, (old, new) in row.changes.items()
        ],
    }


# -- the template -----------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CODES_FONT = Font(color="808080")
EXTRA_ROWS = 200
WIDTHS = [10, 14, 8, 8, 12, 14, 24, 14, 40]


def template_row(entry: FundEntry) -> list:
    return [
        entry.county.code,
        escape_cell(entry.county.name),
        KIND_NAMES[entry.kind],
        SOURCE_NAMES[entry.source],
        entry.date,
        entry.amount,
        escape_cell(entry.doc_no),
        CATEGORY_NAMES.get(entry.category, "") or None,
        escape_cell(entry.description) or None,
    ]


def _lists(sheet, last_row: int) -> None:
    for letter, words in (
        ("C", KIND_NAMES.values()),
        ("D", SOURCE_NAMES.values()),
        ("H", CATEGORY_NAMES.values()),
    ):
        validation = DataValidation(type="list", formula1=f'"{",".join(words)}"', allow_blank=True)
        sheet.add_data_validation(validation)
        validation.add(f"{letter}3:{letter}{last_row}")


def write_ledger_template(entries, out) -> int:
    """Write the ledger template with one row per entry of ``entries``; returns the number of entries."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "资金台账"
    sheet.append([str(label) for _code, label, _aliases in COLUMNS])
    sheet.append(CODES)
    count = 0
    for entry in entries:
        sheet.append(template_row(entry))
        count += 1
    last_row = 2 + count + EXTRA_ROWS
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell in sheet[2]:
        cell.font = CODES_FONT
    sheet.row_dimensions[1].height = 36
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for date_cell, amount_cell in sheet.iter_rows(min_row=3, max_row=last_row, min_col=5, max_col=6):
        date_cell.number_format = "yyyy-mm-dd"
        amount_cell.number_format = "0.00"
    _lists(sheet, last_row)
    sheet.freeze_panes = "A3"
    notes = workbook.create_sheet(_("Instructions"))
    for line in template_notes():
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    workbook.active = 0
    workbook.save(out)
    return count


def template_notes() -> list[str]:
    return [
        _(
            "Fill one row per ledger entry below the codes row of the first sheet; do not change the codes row."
        ),
        _("kind: 下达 (allocation), 拨付 (disbursement) or 支出 (expenditure)."),
        _("source: 自治区 (regional special fund), 盟市 (league matching fund) or 旗县 (county own fund)."),
        _("amount_wan: 10,000 yuan, positive, at most two decimals. date: for example 2024-04-26."),
        _("doc_no: the 文号 of an allocation or disbursement, the 凭证号 of an expenditure."),
        _("category: expenditures only: 专利资助, 项目扶持, 维权援助, 宣传培训, 公共服务平台 or 其他."),
        _(
            "An entry is identified by county, kind, source and document number: a row with the identity of a "
            "stored entry changes it, and importing the same file twice changes nothing."
        ),
        _(
            "All or nothing: one wrong cell, a row you may not write, or totals where disbursed would exceed "
            "allocated or spent exceed disbursed refuse the whole file, with every problem listed."
        ),
        _(
            "A regional tranche that fails the tranche gate cannot come from a file: release it in the browser."
        ),
    ]
