"""Kept import path of the spreadsheet helpers; the pipeline lives in ``config.excel``."""

from config.excel import (
    FORMULA_PREFIXES,
    SpreadsheetError,
    escape_cell,
    max_upload_bytes,
    read_upload,
    sha256_hex,
    unescape_cell,
)
from config.excel.limits import check_archive as check_xlsx_bytes
from config.excel.reader import open_workbook as open_uploaded_workbook

__all__ = [
    "FORMULA_PREFIXES",
    "SpreadsheetError",
    "check_xlsx_bytes",
    "escape_cell",
    "max_upload_bytes",
    "open_uploaded_workbook",
    "read_upload",
    "sha256_hex",
    "unescape_cell",
]
