"""The inbox (待办) per role: findings by colour, rectifications to verify, reports due, overdue or returned."""

import datetime

import pytest
from django.utils import timezone

from config.inbox import inbox_for
from indicators.models import ReportingDeadline, ReportStatus
from inspections.services import answer_finding, escalate_findings
from tests import factories

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def _labels(user):
    return {str(item.label): item.count for item in inbox_for(user)}


def test_findings_by_colour_per_role(make_finding, county_staff, other_county_staff, league_staff, region):
    make_finding(deadline=datetime.date(2020, 1, 1), description="red one")
    make_finding(deadline=datetime.date(2099, 1, 1), description="green one")
    answered = make_finding(deadline=datetime.date(2099, 1, 1), description="answered one")
    escalate_findings()
    answer_finding(user=county_staff, finding=answered, text="done", files=[pdf_upload()])

    county = _labels(county_staff)
    assert county["逾期超过30天的问题（红）"] == 1
    assert county["待整改问题（绿）"] == 1
    assert county["已提交整改，等待自治区局核实"] == 1
    assert "逾期超过30天的问题（红）" not in _labels(other_county_staff)
    assert _labels(league_staff)["逾期超过30天的问题（红）"] == 1
    assert "逾期超过30天的问题（红）" not in _labels(factories.league_user("150200", username="l2"))
    office = _labels(region)
    assert office["等待核实销号的整改"] == 1 and office["逾期超过30天的问题（红）"] == 1
    assert "待整改问题（绿）" not in office  # the office watches red and yellow only
    league = _labels(league_staff)
    assert "等待核实销号的整改" not in league and "待整改问题（绿）" not in league
    assert _labels(factories.auditor_user(username="a1")).get("逾期超过30天的问题（红）") == 1


def test_reports_due_overdue_and_returned(county_staff, region):
    county = factories.county("150121")
    this_year = timezone.localdate().year
    factories.PilotFactory(county=county, start_year=this_year - 2, end_year=this_year + 1)
    # Deadlines: the baseline year long past, last year's still open.
    ReportingDeadline.objects.create(
        year=this_year - 1, deadline=timezone.localdate() + datetime.timedelta(days=10)
    )
    factories.ReportFactory(
        county=county, year=this_year - 2, status=ReportStatus.RETURNED, review_comment="改"
    )
    factories.ReportFactory(county=county, year=this_year - 3, status=ReportStatus.APPROVED)
    labels = _labels(county_staff)
    assert any("已被退回" in label for label in labels)
    assert any(f"{this_year - 1} 年度报表须在" in label for label in labels)
    assert not any(f"{this_year - 3} 年度报表" in label for label in labels)
    office = _labels(region)
    assert "已退回、等待旗县修改的报表" in office
    assert "即将到期的试点县年度报表" in office


def test_an_unsubmitted_report_past_its_deadline_is_overdue(county_staff, region):
    county = factories.county("150121")
    this_year = timezone.localdate().year
    factories.PilotFactory(county=county, start_year=this_year - 1, end_year=this_year + 1)
    ReportingDeadline.objects.create(
        year=this_year - 2, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    labels = _labels(county_staff)
    assert any(f"{this_year - 2} 年度报表已逾期" in label for label in labels)
    assert _labels(region)["逾期未报的试点县年度报表"] >= 1


def test_the_completeness_grid_marks_overdue_reports(client_for, region):
    county = factories.county("150121")
    this_year = timezone.localdate().year
    factories.PilotFactory(county=county, start_year=this_year - 1, end_year=this_year + 1)
    factories.ReportFactory(county=county, year=this_year - 2, status=ReportStatus.DRAFT)
    ReportingDeadline.objects.create(year=this_year - 2, deadline=datetime.date(this_year - 1, 1, 31))
    page = client_for(region).get("/data/completeness/", {"pilots": "1"})
    row = next(r for r in page.context["rows"] if r.county.code == "150121")
    cells = {year: overdue for year, _report, _in_range, overdue in row.cells}
    assert cells[this_year - 2] is True and cells[this_year] is False
    assert "逾期" in page.content.decode()


def test_region_edits_the_deadline(client_for, region, county_staff):
    year = timezone.localdate().year - 1
    client_for(county_staff).post("/data/deadlines/", {"year": year, "deadline": f"{year + 1}-04-30"})
    assert not ReportingDeadline.objects.exists()
    client_for(region).post("/data/deadlines/", {"year": year, "deadline": f"{year + 1}-04-30"})
    assert ReportingDeadline.objects.get(year=year).deadline == datetime.date(year + 1, 4, 30)
