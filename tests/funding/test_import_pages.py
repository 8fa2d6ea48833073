"""The fund ledger import page: upload → preview → confirm / cancel, the template download, who may use it."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from funding.models import FundEntry
from indicators.models import ImportBatch

from .test_import import workbook_bytes

pytestmark = pytest.mark.django_db

COUNTY_ROWS = [
    ["150121", "土默特左旗", "下达", "旗县", "2024-01-10", 40, "土财〔2024〕1号", None, None],
    ["150121", "土默特左旗", "拨付", "旗县", "2024-01-20", 30, "土财拨〔2024〕2号", None, None],
    ["150121", "土默特左旗", "支出", "旗县", "2024-02-01", "12.5", "PZ-9", "宣传培训", "4·26 宣传周"],
]


def upload(client, data: bytes, name="台账.xlsx"):
    return client.post(reverse("funding:import"), {"file": SimpleUploadedFile(name, data)})


def staged_sha256(client) -> str:
    """The SHA-256 of the upload waiting for confirmation, as its preview page shows it."""
    return client.get(reverse("funding:import_preview")).context["preview"]["sha256"]


def test_upload_preview_confirm(client_for, county_staff):
    client = client_for(county_staff)
    assert client.get(reverse("funding:import")).status_code == 200
    response = upload(client, workbook_bytes(COUNTY_ROWS))
    assert response.status_code == 302 and response["Location"] == reverse("funding:import_preview")
    assert not FundEntry.objects.exists()
    preview = client.get(reverse("funding:import_preview"))
    assert preview.status_code == 200
    assert preview.context["preview"]["created"] == 3
    assert "PZ-9" in preview.content.decode() and "12.50" in preview.content.decode()
    sha = preview.context["preview"]["sha256"]
    response = client.post(reverse("funding:import_confirm"), {"sha256": sha})
    assert response.status_code == 302
    assert FundEntry.objects.count() == 3
    assert FundEntry.objects.get(doc_no="PZ-9").amount == Decimal("12.50")
    assert ImportBatch.objects.get(app="funding").user == county_staff
    # the same file again: preview says unchanged, nothing to confirm
    upload(client, workbook_bytes(COUNTY_ROWS))
    again = client.get(reverse("funding:import_preview")).context["preview"]
    assert (again["created"], again["changed"], again["unchanged"]) == (0, 0, 3)
    assert [row["action"] for row in again["rows"]] == ["unchanged"] * 3


def test_a_changed_row_is_shown_with_old_and_new(client_for, county_staff):
    client = client_for(county_staff)
    upload(client, workbook_bytes(COUNTY_ROWS))
    client.post(reverse("funding:import_confirm"), {"sha256": staged_sha256(client)})
    rows = [list(row) for row in COUNTY_ROWS]
    rows[2][5] = "15"
    upload(client, workbook_bytes(rows))
    preview = client.get(reverse("funding:import_preview")).context["preview"]
    changed = [row for row in preview["rows"] if row["action"] == "changed"]
    assert changed[0]["changes"] == [{"field": "金额（万元）", "old": "12.50", "new": "15.00"}]


def test_a_refused_file_lists_its_problems_and_cannot_be_confirmed(client_for, county_staff):
    client = client_for(county_staff)
    rows = [["150121", "", "下达", "自治区", "2024-01-10", 10, "R-1", None, None]]
    upload(client, workbook_bytes(rows))
    page = client.get(reverse("funding:import_preview"))
    assert page.context["preview"]["ok"] is False
    (problem,) = page.context["preview"]["problems"]
    assert (problem["row"], problem["column"], problem["field"]) == (3, "D", "source")
    assert reverse("funding:import_confirm") not in page.content.decode()
    client.post(reverse("funding:import_confirm"), {"sha256": page.context["preview"]["sha256"]})
    assert not FundEntry.objects.exists()


def test_cancel_discards_the_upload(client_for, county_staff):
    client = client_for(county_staff)
    upload(client, workbook_bytes(COUNTY_ROWS))
    sha = staged_sha256(client)
    client.post(reverse("funding:import_cancel"))
    assert client.get(reverse("funding:import_preview")).status_code == 302
    client.post(reverse("funding:import_confirm"), {"sha256": sha})
    assert not FundEntry.objects.exists()


def test_confirm_rechecks_against_the_data_of_that_moment(client_for, county_staff, ledger):
    client = client_for(county_staff)
    rows = [["150121", "", "支出", "旗县", "2024-02-01", 25, "PZ-1", "其他", None]]
    ledger(county_staff, "allocation", "county", "30", doc_no="C-1")
    ledger(county_staff, "disbursement", "county", "30", doc_no="C-2")
    upload(client, workbook_bytes(rows))
    assert client.get(reverse("funding:import_preview")).context["preview"]["ok"]
    ledger(county_staff, "expenditure", "county", "10", doc_no="PZ-0")  # now 10 + 25 > 30
    client.post(reverse("funding:import_confirm"), {"sha256": staged_sha256(client)})
    assert not FundEntry.objects.filter(doc_no="PZ-1").exists()
    preview = client.get(reverse("funding:import_preview")).context["preview"]
    assert not preview["ok"] and "35.00" in preview["problems"][0]["message"]


def test_template_download_round_trip_through_the_page(client_for, county_staff, ledger):
    ledger(county_staff, "allocation", "county", "30", doc_no="C-1")
    client = client_for(county_staff)
    response = client.get(reverse("funding:template"), {"county": "150121"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    sheet.append(["150121", "土默特左旗", "拨付", "旗县", "2024-03-01", 20, "C-2", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(client, buffer.getvalue())
    preview = client.get(reverse("funding:import_preview")).context["preview"]
    assert (preview["created"], preview["unchanged"]) == (1, 1)
    client.post(reverse("funding:import_confirm"), {"sha256": preview["sha256"]})
    assert FundEntry.objects.filter(doc_no="C-2", amount=Decimal("20.00")).exists()


def test_a_formula_upload_is_refused_on_the_page(client_for, region):
    client = client_for(region)
    upload(
        client, workbook_bytes([["150121", "", "下达", "自治区", "2024-01-10", "=1+1", "A-1", None, None]])
    )
    preview = client.get(reverse("funding:import_preview")).context["preview"]
    assert not preview["ok"] and preview["problems"][0]["column"] == "F"


def test_auditors_may_not_import(client_for, auditor):
    client = client_for(auditor)
    assert client.get(reverse("funding:import")).status_code == 403
    assert client.get(reverse("funding:template")).status_code == 403
    assert upload(client, workbook_bytes(COUNTY_ROWS)).status_code == 403


def test_ledger_and_overview_link_the_import(client_for, county_staff, league_staff):
    ledger_page = client_for(county_staff).get(reverse("funding:ledger", kwargs={"code": "150121"}))
    assert reverse("funding:import") in ledger_page.content.decode()
    overview = client_for(league_staff).get(reverse("funding:overview"))
    assert reverse("funding:template") in overview.content.decode()
