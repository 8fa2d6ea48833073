"""The one spreadsheet pipeline of the portal: every Excel import reads, checks, previews and lands through it.

Writing an import (annual data, training events and attendee lists use it; the fund ledger, the findings list
and the work-plan tasks are next) means filling in this pattern — nothing else reads workbooks::

    from config.excel import Column, Importer, Schema, run_import
    from config.parsing import parse_date, parse_number, parse_text

    class LedgerImporter(Importer):
        app_label, kind = "funding", "ledger"          # recorded on the ImportBatch as plain labels

        def schema(self):                              # declared columns: code, Chinese label, aliases, parser
            return Schema([
                Column("county_code", _("County code"), {"县代码"}, required=True),
                Column("date", _("Date"), {"日期"}, parse_date, required=True),
                Column("amount", _("Amount (10,000 yuan)"), {"金额"}, lambda raw: parse_number(raw, whole=False)),
            ], max_data_rows=5000)

        def plan(self, sheet, result, *, lock):        # row checks only; problems name row and column
            rows = []
            for row in sheet.rows:
                amount = row.parse("amount")           # the column's parser; a failure becomes a Problem
                if amount is not None and amount > 1000:
                    row.problem("amount", _("Implausibly large."))
                result.problems.extend(row.problems)
                rows.append((row, amount))
            result.rows, result.created = len(sheet.rows), len(rows)
            return rows

        def apply(self, plan, result):                 # inside the transaction; raise ImportRefused to undo
            ...

    result = run_import(LedgerImporter(user), uploaded, file_name=name, dry_run=False)
    result.ok, result.problems (first 200, .omitted), result.created, result.batch

The web pages are upload → preview → confirm (``pages.ImportPages``, or an app's own preview page on the same
staging store); the management command uses ``counties.cli.ImportCommandMixin.run_import_command``.

Modules: ``limits`` (archive checks before parsing, ``Limits``), ``reader`` (``Column``, ``Schema``,
``read_sheet``: active visible sheet, header detection, formulas and long text refused), ``problems``
(``Problem``, ``ProblemList``, ``ImportResult``), ``runner`` (``Importer``, ``run_import``, ``ImportRefused``),
``cells`` (``escape_cell`` / ``unescape_cell``), ``staging`` (one staged upload per user; ``StagedUpload`` for the preview and confirm views), ``forms``,
``pages`` (``ImportPages``: the upload, preview, confirm and cancel views of an import).
Value parsing is ``config.parsing`` (the same strict rules as the forms).
"""

from .cells import FORMULA_PREFIXES, escape_cell, unescape_cell
from .limits import Limits, SpreadsheetError, check_archive
from .problems import MAX_PROBLEMS, ImportResult, Problem, ProblemList
from .reader import Column, Schema, Sheet, SheetRow, open_workbook, read_sheet
from .runner import Importer, ImportRefused, max_upload_bytes, read_upload, run_import, sha256_hex

__all__ = [
    "FORMULA_PREFIXES",
    "MAX_PROBLEMS",
    "Column",
    "ImportRefused",
    "ImportResult",
    "Importer",
    "Limits",
    "Problem",
    "ProblemList",
    "Schema",
    "Sheet",
    "SheetRow",
    "SpreadsheetError",
    "check_archive",
    "escape_cell",
    "max_upload_bytes",
    "open_workbook",
    "read_sheet",
    "read_upload",
    "run_import",
    "sha256_hex",
    "unescape_cell",
]
