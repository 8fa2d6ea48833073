"""Rankings and averages follow the pilot window; every shown score says whether it is final or provisional."""

import io

import openpyxl
import pytest
from django.urls import reverse

from indicators.models import ReportStatus
from indicators.scoring import all_pairs, recompute
from tests import factories
from tests.indicators.factories import GOOD_VALUES, lower_year_values, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_pilots(db):
    """土默特左旗 pilots 2023–2025; 托克托县 is designated later (2027–2029); both report 2024 and 2025."""
    factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)
    factories.PilotFactory(county=factories.county("150122"), batch=3, start_year=2027, end_year=2029)
    for code in ("150121", "150122"):
        make_report(code, 2024, lower_year_values(GOOD_VALUES))
        make_report(code, 2025, GOOD_VALUES, hightech_certified=3 if code == "150122" else 10)
    recompute(all_pairs())


def test_a_later_designation_does_not_enter_earlier_rankings(two_pilots, region, client_for):
    response = client_for(region).get(reverse("indicators:dashboard"), {"year": 2025})
    assert [row.county.code for row in response.context["pilots"]] == ["150121"]
    league = next(r for r in response.context["league_rows"] if r["league"].code == "150100")
    tumed = next(m for m in response.context["map_data"] if m["name"] == "150121")
    toketuo = next(m for m in response.context["map_data"] if m["name"] == "150122")
    assert league["pilot_avg"] == tumed["value"]  # only the pilot of 2025
    assert league["other_avg"] == toketuo["value"]  # the later pilot is in the comparison group
    assert toketuo["pilot"] is False


def test_scores_are_provisional_until_the_report_is_approved(two_pilots, region, client_for):
    client = client_for(region)
    row = client.get(reverse("indicators:dashboard"), {"year": 2025}).context["pilots"][0]
    assert row.final is False
    page = client.get(reverse("indicators:county_dashboard", args=["150121"])).content.decode()
    assert "暂定" in page and "正式" not in page

    report = factories.ReportFactory(county=factories.county("150121"), year=2025)
    report.status = ReportStatus.APPROVED
    report.save()
    row = client.get(reverse("indicators:dashboard"), {"year": 2025}).context["pilots"][0]
    assert row.final is True
    assert "正式" in client.get(reverse("indicators:dashboard"), {"year": 2025}).content.decode()
    county_page = client.get(reverse("counties:detail", args=["150121"])).content.decode()
    assert "正式" in county_page and "暂定" in county_page  # 2025 final, 2024 still provisional


def test_the_summary_sheet_says_final_or_provisional(two_pilots, region, client_for):
    report = factories.ReportFactory(county=factories.county("150121"), year=2024)
    report.status = ReportStatus.APPROVED
    report.save()
    response = client_for(region).get(reverse("indicators:export_summary"), {"league": "150100"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    column = header.index("正式/暂定")
    by_pair = {(r[1], r[3]): r[column] for r in rows[1:]}
    assert by_pair[("150121", 2024)] == "正式"
    assert by_pair[("150121", 2025)] == "暂定"
    assert by_pair[("150122", 2025)] == "暂定"
