"""Pages per role (record in the browser, refusals shown, exports) and the two fund sheets of the auditor workbook."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding.audit import DETAIL_HEADERS, FUNDS_HEADERS, audit_sheets
from funding.models import FundEntry
from indicators.exporting import write_audit_workbook

from .conftest import record

pytestmark = pytest.mark.django_db

SPEC_FUNDS = [
    "盟市",
    "县代码",
    "县名称",
    "年度",
    "资金来源",
    "下达(万元)",
    "拨付(万元)",
    "支出(万元)",
    "执行率",
]
SPEC_DETAIL = ["县代码", "县名称", "类型", "资金来源", "日期", "金额(万元)", "文号", "支出类别", "说明"]


def _post(client, code="150121", **data):
    data.setdefault("date", "2024-05-01")
    data.setdefault("description", "")
    data.setdefault("override_reason", "")
    data.setdefault("category", "")
    return client.post(reverse("funding:entry_create", kwargs={"code": code}), data)


def test_each_role_records_its_part_in_the_browser(client_for, region, league_staff, county_staff):
    response = _post(
        client_for(region), kind="allocation", source="regional", amount="100", doc_no="内财〔2024〕1号"
    )
    assert response.status_code == 302
    assert (
        _post(
            client_for(region), kind="disbursement", source="regional", amount="80", doc_no="拨1"
        ).status_code
        == 302
    )
    assert (
        _post(
            client_for(league_staff), kind="allocation", source="league", amount="30", doc_no="呼财1"
        ).status_code
        == 302
    )
    assert (
        _post(
            client_for(league_staff), kind="disbursement", source="league", amount="30", doc_no="呼拨1"
        ).status_code
        == 302
    )
    county = client_for(county_staff)
    assert (
        _post(
            county,
            kind="expenditure",
            source="regional",
            amount="20.5",
            doc_no="PZ-1",
            category="patent_subsidy",
        ).status_code
        == 302
    )
    assert {(e.kind, e.source, e.amount) for e in FundEntry.objects.all()} == {
        ("allocation", "regional", Decimal("100.00")),
        ("disbursement", "regional", Decimal("80.00")),
        ("allocation", "league", Decimal("30.00")),
        ("disbursement", "league", Decimal("30.00")),
        ("expenditure", "regional", Decimal("20.50")),
    }
    ledger = county.get(reverse("funding:ledger", kwargs={"code": "150121"}))
    text = ledger.content.decode()
    assert "PZ-1" in text and "20.50" in text and "30.0%" in text  # matching ratio 30 / 100


def test_the_form_shows_an_invariant_refusal(client_for, region):
    client = client_for(region)
    _post(client, kind="allocation", source="regional", amount="10", doc_no="A1")
    response = _post(client, kind="disbursement", source="regional", amount="10.01", doc_no="B1")
    assert response.status_code == 200
    assert "10.01" in response.content.decode() and "土默特左旗" in response.content.decode()
    assert not FundEntry.objects.filter(doc_no="B1").exists()


def test_form_offers_only_what_the_role_may_write(client_for, league_staff, auditor):
    page = client_for(league_staff).get(reverse("funding:entry_create", kwargs={"code": "150121"}))
    assert page.status_code == 200
    form = page.context["form"]
    assert [c[0] for c in form.fields["source"].choices] == ["league"]
    assert (
        client_for(auditor).get(reverse("funding:entry_create", kwargs={"code": "150121"})).status_code == 403
    )
    # A source the form does not offer is refused by the form; the service would refuse it anyway.
    response = _post(client_for(league_staff), kind="allocation", source="regional", amount="1", doc_no="X")
    assert response.status_code == 200 and not FundEntry.objects.exists()


def test_edit_and_delete_pages_refuse_breaking_invariants(client_for, region, county_staff):
    allocation = record(region, "allocation", "county", "50")
    record(region, "disbursement", "county", "50")
    client = client_for(county_staff)
    response = client.post(
        reverse("funding:entry_update", kwargs={"pk": allocation.pk}),
        {
            "kind": "allocation",
            "source": "county",
            "date": "2024-03-01",
            "amount": "49",
            "doc_no": allocation.doc_no,
        },
    )
    assert response.status_code == 200
    response = client.post(reverse("funding:entry_delete", kwargs={"pk": allocation.pk}))
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("50.00")


def test_overview_and_exports(client_for, region, auditor):
    record(region, "allocation", "regional", "100", date=datetime.date(2023, 3, 1))
    record(region, "disbursement", "regional", "100", date=datetime.date(2023, 4, 1))
    client = client_for(auditor)
    page = client.get(reverse("funding:overview"), {"scope": "all", "league": "150100"})
    assert page.status_code == 200
    assert "funding-data" in page.content.decode() and "<script>" not in page.content.decode()
    assert page.context["idle_rows"][0].county.code == "150121"
    export = client.get(reverse("funding:overview"), {"format": "xlsx", "league": "150100"})
    assert export.status_code == 200
    ledger = client.get(reverse("funding:ledger", kwargs={"code": "150121"}), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(ledger.streaming_content))).active
    assert sheet.title == "资金明细"
    assert client_for(region).get(reverse("funding:gate_settings")).status_code == 200
    assert client.post(reverse("funding:gate_settings"), {"min_grade": "不合格"}).status_code == 403


def test_the_two_audit_sheets(region, auditor, county_staff):
    record(region, "allocation", "regional", "100", date=datetime.date(2024, 3, 1), doc_no="内知〔2024〕3号")
    record(region, "disbursement", "regional", "60", date=datetime.date(2024, 4, 1))
    record(
        county_staff,
        "expenditure",
        "regional",
        "15",
        date=datetime.date(2024, 6, 1),
        category="rights_assistance",
        description="=cmd",
    )
    record(region, "allocation", "league", "30", date=datetime.date(2025, 3, 1), county="150122")
    funds, detail = audit_sheets(auditor, 2024)
    assert funds.title == "资金" and list(funds.headers[: len(SPEC_FUNDS)]) == SPEC_FUNDS == FUNDS_HEADERS
    assert detail.title == "资金明细" and list(detail.headers[: len(SPEC_DETAIL)]) == SPEC_DETAIL
    assert DETAIL_HEADERS[: len(SPEC_DETAIL)] == SPEC_DETAIL
    (row,) = funds.rows
    assert row[:5] == ["呼和浩特市", "150121", "土默特左旗", 2024, "自治区专项资金"]
    assert row[5:] == [Decimal("100.00"), Decimal("60.00"), Decimal("15.00"), Decimal("0.1500")]
    rows = [dict(zip(DETAIL_HEADERS, r, strict=True)) for r in detail.rows]
    assert [r["类型"] for r in rows] == ["下达", "拨付", "支出"]
    assert rows[2]["支出类别"] == "维权援助" and rows[2]["说明"].startswith("'=")
    assert rows[0]["文号"] == "内知〔2024〕3号"
    # Scoped: county staff of 150121 never see 150122's row.
    assert all(r[1] == "150121" for r in audit_sheets(county_staff, None)[0].rows)
    out = io.BytesIO()
    write_audit_workbook(auditor, out, year=2024)
    assert {"资金", "资金明细"} <= set(load_workbook(io.BytesIO(out.getvalue())).sheetnames)
