"""Limits checked on an uploaded workbook before openpyxl parses anything (``check_archive``).

Every limit has a message in the user's language and the check stops at the first one it meets. What is
checked, in order:

1. the bytes are a zip (magic bytes, not the file name) with ``[Content_Types].xml`` and ``xl/`` parts, at most
   ``max_members`` parts;
2. no macros: a ``vbaProject.bin`` part or a macro-enabled content type refuses the file;
3. per part (not only the whole archive): the declared uncompressed size (``max_member_bytes``) and the
   compression ratio (``max_ratio``, for parts above 1 MB), and the whole archive's declared size;
4. streamed through the decompressor, stopping as soon as a count is exceeded (a lying header cannot help:
   ``zipfile`` stops at the declared size): the shared strings (``<si>`` entries, declared ``uniqueCount``
   first), the style records (``cellXfs`` and the other style lists), and per worksheet the declared
   ``<dimension>``, the ``<row>`` and ``<c>`` (cell) elements.

The reader (``config.excel.reader``) then enforces the rest while reading: rows past the declared columns are
never materialised (``max_col``), the row count, the cell text length, formulas, the active visible sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1024 * 1024
RATIO_FLOOR_BYTES = 1024 * 1024
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_SHARED_STRING = re.compile(_PREFIX + rb"si[\s/>]")
_STYLE_RECORD = re.compile(_PREFIX + rb"(?:xf|font|fill|border|numFmt|dxf)[\s/>]")
_ROW = re.compile(_PREFIX + rb"row[\s/>]")
_CELL = re.compile(_PREFIX + rb"c[\s/>]")
_UNIQUE_COUNT = re.compile(rb"<(?:[\w.-]+:)?sst\b[^>]*?\buniqueCount=\"(\d+)\"")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
MACRO_CONTENT_TYPES = (b"macroEnabled", b"vbaProject")


class SpreadsheetError(ValueError):
    """A file that is refused before any row is read; ``message`` says why in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    """What one upload may hold. ``Schema.limits`` overrides the defaults per import."""

    max_members: int = 2000
    max_member_bytes: int = 40 * 1024 * 1024
    max_archive_bytes: int = 200 * 1024 * 1024
    max_ratio: int = 100
    max_shared_strings: int = 100_000
    max_styles: int = 20_000
    max_rows: int = 6_000
    max_columns: int = 300
    max_cells: int = 250_000
    max_cell_chars: int = 2_000


def not_xlsx() -> SpreadsheetError:
    return SpreadsheetError(_("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."))


def damaged() -> SpreadsheetError:
    return SpreadsheetError(_("The file is damaged and cannot be opened as an Excel workbook."))


def check_archive(data: bytes, limits: Limits | None = None) -> None:
    """Refuse anything that is not a plausible, reasonably sized, macro-free xlsx. Raises ``SpreadsheetError``."""
    limits = limits or Limits()
    if not data.startswith(ZIP_MAGIC):
        raise not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_parts(members, limits)
            _check_macros(archive, members)
            for member in members:
                _scan_member(archive, member, limits)
    except zipfile.BadZipFile as exc:
        raise damaged() from exc
    except (OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise damaged() from exc


def _check_parts(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(members) > limits.max_members:
        raise SpreadsheetError(_("The workbook has too many parts to be a normal Excel file."))
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise not_xlsx()
    if sum(member.file_size for member in members) > limits.max_archive_bytes:
        raise SpreadsheetError(_("The workbook expands to an implausible size and was refused."))
    for member in members:
        too_big = member.file_size > limits.max_member_bytes
        ratio = member.file_size / max(member.compress_size, 1)
        if too_big or (member.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_ratio):
            raise SpreadsheetError(
                _("The workbook part %(part)s expands to an implausible size and was refused.")
                % {"part": member.filename[:80]}
            )


def _check_macros(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    if any(m.filename.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml") for m in members):
        raise _macro_error()
    with archive.open("[Content_Types].xml") as handle:
        content_types = handle.read(1024 * 1024)
    if any(marker in content_types for marker in MACRO_CONTENT_TYPES):
        raise _macro_error()


def _macro_error() -> SpreadsheetError:
    return SpreadsheetError(
        _("The workbook contains macros (.xlsm); save it as a plain Excel workbook (.xlsx) and try again.")
    )


def _stream(archive: zipfile.ZipFile, member: zipfile.ZipInfo):
    """The part's bytes in chunks cut just before a ``<``, so that no tag is split across two chunks."""
    carry = b""
    with archive.open(member) as handle:
        while chunk := handle.read(CHUNK):
            buffer = carry + chunk
            cut = buffer.rfind(b"<")
            if cut <= 0:
                carry = buffer
                continue
            yield buffer[:cut]
            carry = buffer[cut:]
    if carry:
        yield carry


def _scan_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
    name = member.filename
    if name == "xl/sharedStrings.xml":
        _count(archive, member, _SHARED_STRING, limits.max_shared_strings, _too_many_strings, _UNIQUE_COUNT)
    elif name == "xl/styles.xml":
        _count(archive, member, _STYLE_RECORD, limits.max_styles, _too_many_styles)
    elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
        _scan_sheet(archive, member, limits)


def _count(archive, member, pattern, limit: int, error, declared=None) -> int:
    total = 0
    for number, chunk in enumerate(_stream(archive, member)):
        if number == 0 and declared is not None:
            match = declared.search(chunk[:4096])
            if match and int(match.group(1)) > limit:
                raise error(limit)
        total += len(pattern.findall(chunk))
        if total > limit:
            raise error(limit)
    return total


def _too_many_strings(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The workbook holds more than %(max)s different texts; this is not a normal data file.")
        % {"max": f"{limit:,}"}
    )


def _too_many_styles(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The workbook defines more than %(max)s cell styles; copy the data into a new workbook and try again."
        )
        % {"max": f"{limit:,}"}
    )


def _too_many_rows(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The sheet has more than %(max)s rows (empty formatted rows count too); delete the rows below your data."
        )
        % {"max": f"{limit:,}"}
    )


def _too_many_columns(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The sheet uses more than %(max)s columns; delete the columns to the right of your data.")
        % {"max": limit}
    )


def _too_many_cells(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The sheet has more than %(max)s cells; split it into several files.") % {"max": f"{limit:,}"}
    )


def _scan_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
    rows = cells = 0
    for number, chunk in enumerate(_stream(archive, member)):
        if number == 0:
            _check_dimension(chunk[:8192], limits)
        rows += len(_ROW.findall(chunk))
        if rows > limits.max_rows:
            raise _too_many_rows(limits.max_rows)
        cells += len(_CELL.findall(chunk))
        if cells > limits.max_cells:
            raise _too_many_cells(limits.max_cells)


def _check_dimension(head: bytes, limits: Limits) -> None:
    """The sheet's declared size (``<dimension ref="A1:XFD1048576">``), when it has one."""
    match = _DIMENSION.search(head)
    if match is None:
        return
    first_col, first_row, last_col, last_row = match.groups()
    column = last_col or first_col
    row = last_row or first_row
    if row and int(row) > limits.max_rows:
        raise _too_many_rows(limits.max_rows)
    if column and column_index_from_string(column.decode()) > limits.max_columns:
        raise _too_many_columns(limits.max_columns)
