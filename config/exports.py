"""The one writer of every Excel export: ``AuditSheet`` (title, headers, rows, formats) and ``write_sheets`` /
``xlsx_response`` (openpyxl write-only mode, frozen header, autofilter, number formats, every text cell through
``config.spreadsheets.escape_cell``). Any app's list page or audit sheet uses these; none writes workbooks itself.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .spreadsheets import escape_cell

YES, NO = "是", "否"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass
class AuditSheet:
    """One sheet of an export: a title, a header row and data rows (one row per fact).

    ``number_formats`` maps a column (0-based index or header text) to an Excel number format;
    ``widths`` does the same for column widths.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    number_formats: dict[int | str, str] = field(default_factory=dict)
    widths: dict[int | str, float] = field(default_factory=dict)

    def _by_index(self, mapping: dict) -> dict[int, object]:
        index = {str(h): i for i, h in enumerate(self.headers)}
        result = {}
        for key, value in mapping.items():
            position = key if isinstance(key, int) else index.get(str(key))
            if position is not None:
                result[position] = value
        return result


# -- the one writer -----------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    return escape_cell(value)


def write_sheets(sheets: Iterable[AuditSheet], out) -> None:
    """Write ``sheets`` into one workbook at ``out`` (a path or a binary file) in write-only mode."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(escape_cell(str(sheet.title))[:31])
        formats = sheet._by_index(sheet.number_formats)
        widths = sheet._by_index(sheet.widths)
        for position, header in enumerate(sheet.headers):
            default = max(10, min(40, len(str(header)) * 2 + 2))
            worksheet.column_dimensions[get_column_letter(position + 1)].width = widths.get(position, default)
        worksheet.freeze_panes = "A2"
        header_cells = []
        for header in sheet.headers:
            cell = WriteOnlyCell(worksheet, escape_cell(str(header)))
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            header_cells.append(cell)
        worksheet.append(header_cells)
        count = 0
        for row in sheet.rows:
            cells = []
            for position, value in enumerate(row):
                value = _plain(value)
                number_format = formats.get(position)
                if number_format and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    cell = WriteOnlyCell(worksheet, value)
                    cell.number_format = number_format
                    cells.append(cell)
                else:
                    cells.append(value)
            worksheet.append(cells)
            count += 1
        if sheet.headers:
            worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{count + 1}"
    if not workbook.worksheets:
        workbook.create_sheet(_("Empty"))
    workbook.save(out)


def xlsx_response(file_name: str, sheets: Iterable[AuditSheet]) -> FileResponse:
    """Stream an export: the workbook is written to an anonymous temporary file, then sent and deleted."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_sheets(sheets, handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=file_name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
