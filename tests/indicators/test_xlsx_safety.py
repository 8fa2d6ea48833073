"""Hostile files are refused before anything is read or written; every export escapes formulas."""

import io
import zipfile

import pytest
from defusedxml.common import EntitiesForbidden
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from config.spreadsheets import SpreadsheetError, escape_cell, open_uploaded_workbook
from counties.models import County
from indicators.exporting import write_template
from indicators.importing import import_workbook
from indicators.models import AnnualReport, DataElement, DataValue, ImportBatch
from tests.indicators.excel_support import row, upload, workbook_bytes

pytestmark = pytest.mark.django_db


def refused(data: bytes, user) -> str:
    result = import_workbook(data, "evil.xlsx", user)
    assert not result.plan.ok and not result.landed
    assert (
        not DataValue.objects.exists()
        and not ImportBatch.objects.exists()
        and not AnnualReport.objects.exists()
    )
    (problem,) = result.plan.problems
    assert problem.row is None
    return problem.message


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """Copy an xlsx, replacing or adding members."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_openpyxl(county_staff):
    bomb = rezip(workbook_bytes([row()]), add={"xl/media/padding.bin": b"\0" * (30 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    assert "implausible" in refused(bomb, county_staff) or "异常" in refused(bomb, county_staff)


def test_a_workbook_with_thousands_of_parts_is_refused(county_staff):
    many = rezip(workbook_bytes([row()]), add={f"xl/media/p{i}.bin": b"x" for i in range(2100)})
    refused(many, county_staff)


@pytest.mark.parametrize(
    "content",
    [
        b"county_code,year,population\n150121,2024,385000\n",
        b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500,
        b"",
    ],
    ids=["csv renamed .xlsx", "png renamed .xlsx", "old binary .xls", "empty file"],
)
def test_files_that_are_not_xlsx_are_refused(content, county_staff):
    message = refused(content, county_staff)
    assert ".xlsx" in message


def test_a_zip_that_is_not_a_workbook_is_refused(county_staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    refused(buffer.getvalue(), county_staff)


def test_a_truncated_workbook_is_refused(county_staff):
    data = workbook_bytes([row()])
    refused(data[: len(data) // 2], county_staff)


def test_an_xml_bomb_is_refused_by_defusedxml(county_staff):
    data = workbook_bytes([row()])
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    )
    bomb = rezip(data, replace={"xl/worksheets/sheet1.xml": laughs})
    refused(bomb, county_staff)
    with pytest.raises(SpreadsheetError) as caught:
        open_uploaded_workbook(bomb)
    causes = []
    error = caught.value
    while error is not None:
        causes.append(type(error))
        error = error.__cause__
    assert EntitiesForbidden in causes, "openpyxl parses through defusedxml"


@override_settings(MAX_UPLOAD_MB=1)
def test_oversized_files_are_refused(county_staff, client_for):
    big = b"PK\x03\x04" + b"\1" * (1024 * 1024 + 10)
    refused(big, county_staff)
    response = client_for(county_staff).post(reverse("indicators:import"), {"file": upload(big)})
    assert response.status_code == 200
    assert "1 MB" in response.content.decode()
    assert not DataValue.objects.exists()


@override_settings(MAX_UPLOAD_MB=1)
def test_an_oversized_request_is_refused_before_the_upload_is_parsed(county_staff, client_for):
    client = client_for(county_staff)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("config.excel.forms.ExcelUploadForm.is_valid", lambda self: pytest.fail("parsed"))
        patch.setattr(
            "django.http.multipartparser.MultiPartParser.parse", lambda self: pytest.fail("body read")
        )
        response = client.post(
            reverse("indicators:import"), {"file": upload(b"PK\x03\x04" + b"\0" * 2 * 1024 * 1024)}
        )
    assert response.status_code == 413 and "1 MB" in response.content.decode()


def test_the_browser_refuses_a_renamed_file_in_the_preview(county_staff, client_for):
    client = client_for(county_staff)
    client.post(reverse("indicators:import"), {"file": upload(b"not a workbook at all")})
    preview = client.get(reverse("indicators:import_preview"))
    assert not preview.context["preview"]["ok"]
    assert ".xlsx" in preview.content.decode()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("土默特左旗", "土默特左旗"),
        (-5, -5),
        (None, None),
    ],
)
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


def test_the_template_escapes_every_text_cell(db):

    DataElement.objects.filter(code="gi_products").update(name="=HYPERLINK(1)", hint="@cmd")
    buffer = io.BytesIO()
    write_template(County.objects.filter(code="150121"), 2024, buffer)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    labels = [c.value for c in workbook.worksheets[0][1]]
    assert "'=HYPERLINK(1)（个）" in labels
    help_rows = [list(r) for r in workbook.worksheets[1].iter_rows(values_only=True)]
    assert ["gi_products", "'=HYPERLINK(1)", "个", "整数", "'@cmd"] in help_rows
    assert all(c.data_type != "f" for sheet in workbook.worksheets for r in sheet.iter_rows() for c in r)
