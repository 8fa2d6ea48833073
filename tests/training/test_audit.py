"""The 培训 sheet of the auditor workbook: one row per visible event, headcounts by category, escaped text."""

import datetime

import pytest

from training.audit import HEADERS, audit_sheets

pytestmark = pytest.mark.django_db


def test_one_row_per_event_with_category_headcounts(auditor, event_factory):
    event_factory(audiences={"management": 12, "enterprise": 30}, place='=HYPERLINK("x")')
    event_factory(county_code="150122", date=datetime.date(2024, 4, 26), kind="publicity", audiences={})
    event_factory(date=datetime.date(2023, 6, 1))
    (sheet,) = audit_sheets(auditor, 2024)
    assert sheet.title == "培训"
    rows = [dict(zip(HEADERS, row, strict=True)) for row in sheet.rows]
    assert [r["县代码"] for r in rows] == ["150121", "150122"]
    first = rows[0]
    assert (first["管理人员"], first["服务机构人员"], first["企事业单位人员"], first["合计人次"]) == (
        12,
        0,
        30,
        42,
    )
    assert first["类型"] == "培训" and first["计入培训人次"] == "是"
    assert first["地点"].startswith("'=")
    assert rows[1]["4·26宣传周"] == "是" and rows[1]["类型"] == "宣传活动"
    assert len(list(audit_sheets(auditor, None)[0].rows)) == 3


def test_sheet_is_scoped_to_visible_counties(county_staff, event_factory):
    event_factory()
    event_factory(county_code="150122")
    (sheet,) = audit_sheets(county_staff, 2024)
    assert [row[1] for row in sheet.rows] == ["150121"]


def test_the_auditor_workbook_contains_the_training_sheet(auditor, event_factory):
    import io

    from openpyxl import load_workbook

    from indicators.exporting import write_audit_workbook

    event_factory(audiences={"management": 12}, title="@SUM(A1)")
    buffer = io.BytesIO()
    write_audit_workbook(auditor, buffer, year=2024)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = workbook["培训"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][: len(HEADERS)]) == HEADERS
    data = dict(zip(HEADERS, rows[1], strict=False))
    assert data["名称"] == "'@SUM(A1)" and data["管理人员"] == 12
    assert data["日期"].date() == datetime.date(2024, 6, 1)


def test_the_event_list_exports_what_it_shows(client_for, county_staff, event_factory):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    event_factory(title='=HYPERLINK("x")', date=datetime.date(2024, 5, 1))
    event_factory(title="专利培训2023", date=datetime.date(2023, 5, 1))
    event_factory("150122", title="别县培训", date=datetime.date(2024, 5, 1))
    client = client_for(county_staff)
    page = client.get(reverse("training:event_list"), {"year": 2024})
    assert "format=xlsx" in page.content.decode()
    response = client.get(reverse("training:event_list"), {"year": 2024, "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["培训"]
    titles = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ['\'=HYPERLINK("x")']
