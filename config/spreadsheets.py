"""Safe Excel handling shared by every import and export.

* ``open_uploaded_workbook``: accepts only real xlsx (zip magic bytes, not the file name), refuses oversized
  files and zip bombs (members' declared sizes and count summed before openpyxl opens anything); defusedxml,
  installed with the project, makes openpyxl refuse XML bombs.
* ``escape_cell``: the one formula escaper for every export — text starting with ``=``, ``+``, ``-``, ``@``,
  tab, CR or NUL gets a leading single quote so no formula runs when the file is opened.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 2000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\x00")


class SpreadsheetError(ValueError):
    """A file that is refused before any row is read; ``message`` says why in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def read_upload(uploaded) -> bytes:
    """Read an uploaded file (Django UploadedFile, file object or bytes), refusing oversized ones."""
    if isinstance(uploaded, bytes | bytearray):
        data = bytes(uploaded)
    else:
        size = getattr(uploaded, "size", None)
        if size is not None and size > max_upload_bytes():
            raise SpreadsheetError(_("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB})
        data = uploaded.read(max_upload_bytes() + 1)
    if len(data) > max_upload_bytes():
        raise SpreadsheetError(_("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB})
    return data


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_xlsx_bytes(data: bytes) -> None:
    """Refuse anything that is not a plausible, reasonably sized xlsx zip. Raises ``SpreadsheetError``."""
    if not data.startswith(ZIP_MAGIC):
        raise SpreadsheetError(
            _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again.")
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise SpreadsheetError(_("The workbook has too many parts to be a normal Excel file."))
            declared = sum(member.file_size for member in members)
            compressed = sum(member.compress_size for member in members) or 1
            if declared > MAX_UNCOMPRESSED_BYTES or declared / compressed > MAX_COMPRESSION_RATIO:
                raise SpreadsheetError(_("The workbook expands to an implausible size and was refused."))
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise SpreadsheetError(
                    _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again.")
                )
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError(_("The file is damaged and cannot be opened as an Excel workbook.")) from exc


def open_uploaded_workbook(data: bytes, *, read_only: bool = True):
    """Check ``data`` and open it with openpyxl (values, not formulas). Raises ``SpreadsheetError``."""
    from openpyxl import load_workbook

    check_xlsx_bytes(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=read_only, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise SpreadsheetError(_("The file is damaged and cannot be opened as an Excel workbook.")) from exc


def escape_cell(value):
    """Neutralise text that a spreadsheet would run as a formula; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
