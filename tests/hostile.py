"""The hostile corpus of issue 10, generated in memory (no committed binaries).

``corpus(kind)`` returns ``{case name: bytes}`` for ``kind`` ``"indicators"`` (an annual-data sheet) or
``"attendees"`` (an attendee list); ``tests/kernel/test_hostile.py`` asserts each is refused with a Chinese
message and nothing written, and ``tests/bench_hostile.py`` times them (``make bench``).
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
MB = 1024 * 1024


def plain(rows, *, title="data") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(
    data: bytes, replace: dict | None = None, add: dict | None = None, stored: set | None = None
) -> bytes:
    """Copy an xlsx, replacing or adding members (bytes, or a callable writing to a binary handle)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        members = {info.filename: source.read(info.filename) for info in source.infolist()}
        members.update(replace or {})
        members.update(add or {})
        for name, content in members.items():
            method = zipfile.ZIP_STORED if name in (stored or set()) else zipfile.ZIP_DEFLATED
            if callable(content):
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with target.open(info, "w", force_zip64=True) as handle:
                    content(handle)
                continue
            target.writestr(name, content, compress_type=method)
    return buffer.getvalue()


def _sheet_writer(head: bytes, rows_bytes, tail: bytes = b"</sheetData></worksheet>"):
    def write(handle):
        handle.write(head)
        for chunk in rows_bytes():
            handle.write(chunk)
        handle.write(tail)

    return write


def header_rows(kind: str) -> list[list]:
    if kind == "indicators":
        return [["county_code", "county_name", "year", "population"], ["150121", "土默特左旗", 2024, 385000]]
    return [["name", "employer", "category"], ["张三", "某公司", "企业"]]


def base(kind: str) -> bytes:
    return plain(header_rows(kind))


def amplification(kind: str) -> bytes:
    """One 1 MB shared string referenced by 260 cells (about 0.8 MB uploaded)."""
    text = os.urandom(MB // 2).hex()[: MB - 10]
    rows = header_rows(kind)
    if kind == "indicators":
        rows += [["150121", "土默特左旗", 2023, text] for _ in range(260)]
    else:
        rows += [[text, text, "企业"] for _ in range(130)]
    return plain(rows)


def million_rows(kind: str) -> bytes:
    """A sheet without ``<dimension>`` and 1,048,576 rows."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode()

    def rows():
        first = "county_code" if kind == "indicators" else "name"
        yield f'<row r="1"><c r="A1" t="inlineStr"><is><t>{first}</t></is></c></row>'.encode()
        for start in range(2, 1_048_577, 10_000):
            stop = min(start + 10_000, 1_048_577)
            yield b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(start, stop))

    return rezip(base(kind), replace={SHEET: _sheet_writer(head, rows)})


def shared_strings(count: int) -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'.encode()

    def entries():
        for start in range(0, count, 100_000):
            yield b"<si><t>x</t></si>" * min(100_000, count - start)

    return _sheet_writer(head, entries, b"</sst>")


def ten_million_strings(kind: str) -> bytes:
    """A sharedStrings table of 10 M entries (declares no count)."""
    return rezip(base(kind), replace={"xl/sharedStrings.xml": shared_strings(10_000_000)})


def many_strings_within_size(kind: str) -> bytes:
    """2 M shared strings within the per-part size limit."""
    return rezip(base(kind), replace={"xl/sharedStrings.xml": shared_strings(2_000_000)})


def styles(count: int, record: bytes) -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}><cellXfs count="{count}">'.encode()

    def records():
        for start in range(0, count, 100_000):
            yield record * min(100_000, count - start)

    return _sheet_writer(head, records, b"</cellXfs></styleSheet>")


def two_million_styles(kind: str) -> bytes:
    """A styles.xml with 2 M ``cellXfs``."""
    record = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    return rezip(base(kind), replace={"xl/styles.xml": styles(2_000_000, record)})


def many_styles_within_size(kind: str) -> bytes:
    """600,000 short ``<xf/>`` records within the per-part size limit."""
    return rezip(base(kind), replace={"xl/styles.xml": styles(600_000, b"<xf/>")})


def padded_bomb(kind: str) -> bytes:
    """A 35 MB part of zeros hidden behind an incompressible 9 MB padding part (whole-archive ratio ≈ 4)."""
    return rezip(
        base(kind),
        add={"xl/media/padding.bin": os.urandom(9 * MB), "xl/media/zeros.bin": b"\0" * (35 * MB)},
        stored={"xl/media/padding.bin"},
    )


def wide_column(kind: str, *, dimension: bool) -> bytes:
    """Cells in column XFD on 5,000 rows (about 70 KB), with or without a declared dimension."""
    first = "county_code" if kind == "indicators" else "name"
    dim = '<dimension ref="A1:XFD5000"/>' if dimension else ""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>'.encode()

    def rows():
        yield f'<row r="1"><c r="A1" t="inlineStr"><is><t>{first}</t></is></c></row>'.encode()
        yield b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (n, n) for n in range(2, 5001))

    return rezip(base(kind), replace={SHEET: _sheet_writer(head, rows)})


def formula(kind: str, *, cached: bool) -> bytes:
    value = "<v>42</v>" if cached else ""
    text = 'cmd|" /C calc"!A0' if cached else "1+1"
    head = header_rows(kind)[0][0]
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>{head}</t></is></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>150121</t></is></c><c r="B2"><f>{text}</f>{value}</c></row>'
        "</sheetData></worksheet>"
    )
    return rezip(base(kind), replace={SHEET: xml.encode()})


def hidden_active(kind: str) -> bytes:
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "hidden"
    for row in header_rows(kind):
        hidden.append(row)
    hidden.sheet_state = "hidden"
    visible = workbook.create_sheet("visible")
    for row in header_rows(kind):
        visible.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    book = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml").decode()
    book = re.sub(r'activeTab="\d+"', 'activeTab="0"', book)
    if "activeTab" not in book:
        book = book.replace("<workbookView ", '<workbookView activeTab="0" ', 1)
    return rezip(data, replace={"xl/workbook.xml": book.encode()})


def _random_words(count: int, width: int = 8) -> list[str]:
    return [os.urandom(width // 2).hex() for _ in range(count)]


def distinct_strings(kind: str) -> bytes:
    """200,000 distinct shared strings (incompressible: only the count gives them away)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'.encode()
    words = _random_words(200_000)

    def entries():
        for start in range(0, len(words), 50_000):
            yield "".join(f"<si><t>{w}</t></si>" for w in words[start : start + 50_000]).encode()

    return rezip(base(kind), replace={"xl/sharedStrings.xml": _sheet_writer(head, entries, b"</sst>")})


def distinct_styles(kind: str) -> bytes:
    """60,000 varied cellXfs records (only the count gives them away)."""
    rng = random.Random(10)
    head = f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}><cellXfs>'.encode()

    def records():
        yield "".join(
            f'<xf numFmtId="{rng.randint(0, 400)}" fontId="{rng.randint(0, 900)}" '
            f'fillId="{rng.randint(0, 900)}" borderId="{rng.randint(0, 900)}"/>'
            for _ in range(60_000)
        ).encode()

    return rezip(
        base(kind), replace={"xl/styles.xml": _sheet_writer(head, records, b"</cellXfs></styleSheet>")}
    )


def random_rows(kind: str, rows: int, columns: int) -> bytes:
    """``rows`` rows of ``columns`` random numbers below the header."""
    rng = random.Random(rows * columns)
    first = "county_code" if kind == "indicators" else "name"
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode()

    def body():
        yield f'<row r="1"><c r="A1" t="inlineStr"><is><t>{first}</t></is></c></row>'.encode()
        for start in range(2, rows + 2, 1000):
            yield "".join(
                f'<row r="{n}">'
                + "".join(f"<c><v>{rng.randint(0, 10**9)}</v></c>" for _ in range(columns))
                + "</row>"
                for n in range(start, min(start + 1000, rows + 2))
            ).encode()

    return rezip(base(kind), replace={SHEET: _sheet_writer(head, body)})


def macro_part(kind: str) -> bytes:
    return rezip(base(kind), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 100})


def macro_content_type(kind: str) -> bytes:
    data = base(kind)
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rezip(data, replace={"[Content_Types].xml": types})


CASES = {
    "amplification: 1 MB shared string × 260 cells": amplification,
    "1,048,576 rows, no dimension": million_rows,
    "10 M shared strings": ten_million_strings,
    "2 M shared strings within the part size": many_strings_within_size,
    "200,000 distinct shared strings": distinct_strings,
    "2 M cellXfs": two_million_styles,
    "60,000 distinct styles": distinct_styles,
    "10,000 rows of random numbers": lambda kind: random_rows(kind, 10_000, 3),
    "5,000 rows × 60 cells": lambda kind: random_rows(kind, 5_000, 60),
    "600,000 styles within the part size": many_styles_within_size,
    "incompressible padding + 35 MB bomb part": padded_bomb,
    "column XFD, declared dimension": lambda kind: wide_column(kind, dimension=True),
    "formula without cached value": lambda kind: formula(kind, cached=False),
    "=cmd|… formula with cached value": lambda kind: formula(kind, cached=True),
    "hidden active sheet": hidden_active,
    "macro part vbaProject.bin": macro_part,
    "macro-enabled content type": macro_content_type,
}
# Accepted, but must stay cheap: the width is never materialised.
CHEAP = {"column XFD, no dimension": lambda kind: wide_column(kind, dimension=False)}


def corpus(kind: str) -> dict[str, bytes]:
    return {name: build(kind) for name, build in CASES.items()}
