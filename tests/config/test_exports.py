"""The one writer of every export (``config.exports.write_sheets``): what goes in comes back out of the file —
values, number formats on the number cells of formatted columns only, escaped formulas, yes/no, the header."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from config.exports import AuditSheet, write_sheets


def _written(*sheets):
    out = io.BytesIO()
    write_sheets(sheets, out)
    out.seek(0)
    return load_workbook(out)


def test_values_come_back_as_written_and_formats_sit_on_number_cells_of_formatted_columns():
    sheet = AuditSheet(
        title="数据",
        headers=["名称", "值", "比例", "日期"],
        rows=[
            ["甲", Decimal("12.5000"), Decimal("0.25"), datetime.date(2025, 3, 1)],
            ["乙", Decimal("7.0000"), 3, None],
            ["丙", "暂无", None, None],
        ],
        number_formats={"值": "#,##0.####", 2: "0.00%"},
    )
    worksheet = _written(sheet)["数据"]
    rows = list(worksheet.iter_rows(values_only=True))
    assert rows[1][3].date() == datetime.date(2025, 3, 1)  # a date cell, read back as a naive datetime
    assert worksheet["D2"].is_date
    assert [row[:3] for row in rows] == [
        ("名称", "值", "比例"),
        ("甲", 12.5, 0.25),
        ("乙", 7, 3),
        ("丙", "暂无", None),
    ]
    assert worksheet["B2"].number_format == "#,##0.####"
    assert worksheet["B3"].number_format == "#,##0.####"
    assert worksheet["C2"].number_format == "0.00%"
    assert worksheet["C3"].number_format == "0.00%"
    assert worksheet["B4"].number_format == "General"  # text in a number column keeps no number format
    assert worksheet["A2"].number_format == "General"
    assert worksheet["A1"].font.bold
    assert worksheet.freeze_panes == "A2"
    assert worksheet.auto_filter.ref == "A1:D4"


def test_formulas_are_escaped_control_characters_dropped_and_booleans_worded():
    sheet = AuditSheet(
        title="=SUM(A1)",
        headers=["=表头", "是否"],
        rows=(row for row in [('=HYPERLINK("http://x")', True), ("a\x01b\x1fc", False), ("@cmd", None)]),
    )
    workbook = _written(sheet)
    worksheet = workbook.worksheets[0]
    assert worksheet.title == "'=SUM(A1)"
    assert list(worksheet.iter_rows(values_only=True)) == [
        ("'=表头", "是否"),
        ('\'=HYPERLINK("http://x")', "是"),
        ("abc", "否"),
        ("'@cmd", None),
    ]
    assert all(cell.data_type != "f" for row in worksheet.iter_rows() for cell in row)


def test_rows_of_any_iterable_and_an_empty_export_still_make_a_valid_workbook():
    sheet = AuditSheet(title="表", headers=["a", "b"], rows=[map(int, ["1", "2"]), range(3, 5)])
    assert list(_written(sheet)["表"].iter_rows(values_only=True)) == [("a", "b"), (1, 2), (3, 4)]
    assert len(_written().sheetnames) == 1
