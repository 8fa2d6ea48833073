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
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .spreadsheets import escape_cell

YES, NO = "是", "否"
NUMBER_TYPES = frozenset({int, float, Decimal})
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
    kind = type(value)
    if kind is str:
        return escape_cell(value)
    if kind is Decimal:
        return int(value) if value == value.to_integral_value() else value
    if kind is bool:
        return YES if value else NO
    if kind is int or value is None:
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    return escape_cell(value)


def _style_of(worksheet, number_format: str):
    """The style array of a cell with ``number_format``, made once per sheet and shared by every such cell
    (write-only cells are serialised at once and never changed, so sharing is safe and skips the style lookups
    of setting ``number_format`` on each cell)."""
    prototype = WriteOnlyCell(worksheet, 0)
    prototype.number_format = number_format
    return prototype._style


def _write_rows_through(worksheet, styles: dict[int, object]) -> None:
    """Make ``worksheet.append`` turn a row of raw values into cells in one pass: each value made plain
    (``_plain``), numbers in a formatted column given that column's style.

    openpyxl's write-only sheet turns each appended row into cells with ``_values_to_row``, reusing one cell
    for unstyled values; a styled cell passed in instead costs a new object and a raised ``ValueError`` each.
    This replacement reuses one cell per formatted column as well (each cell is serialised as soon as it is
    yielded). It replaces a private method of openpyxl 3.1's ``WriteOnlyWorksheet``; the version is pinned
    and ``tests/config/test_exports.py`` checks the values and formats read back.
    """
    plain = WriteOnlyCell(worksheet)
    styled = {}
    for position, style in styles.items():
        styled[position + 1] = cell = WriteOnlyCell(worksheet)
        cell._style = style

    def values_to_row(values, row_idx):
        nonlocal plain
        for column, value in enumerate(values, 1):
            if isinstance(value, Cell):
                cell = value
            else:
                value = _plain(value)
                if value is None:
                    continue
                cell = styled.get(column, plain) if type(value) in NUMBER_TYPES else plain
                cell.value = value
            cell.column = column
            cell.row = row_idx
            yield cell
            if cell is plain and plain.has_style:  # a date took a date format: the next value starts plain
                plain = WriteOnlyCell(worksheet)

    worksheet._values_to_row = values_to_row


def _header(worksheet, sheet: AuditSheet) -> None:
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


def write_sheets(sheets: Iterable[AuditSheet], out) -> None:
    """Write ``sheets`` into one workbook at ``out`` (a path or a binary file) in write-only mode."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(escape_cell(str(sheet.title))[:31])
        _write_rows_through(
            worksheet,
            {
                position: _style_of(worksheet, number_format)
                for position, number_format in sheet._by_index(sheet.number_formats).items()
            },
        )
        _header(worksheet, sheet)
        count = 0
        for row in sheet.rows:
            worksheet.append(row if isinstance(row, (list, tuple)) else list(row))
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
