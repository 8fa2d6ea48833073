"""Pages: the region records an inspection and findings in the browser, the county answers with evidence, the
region closes; the one-step finding from an unmet indicator; the dashboards' overdue panel; the audit sheet."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from indicators.models import Indicator, IndicatorResult, ResultStatus
from inspections.audit import HEADERS, SHEET_TITLE
from inspections.models import Finding, FindingStatus, Inspection
from tests import factories

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def test_the_whole_story_in_the_browser(client_for, region, county_staff):
    office = client_for(region)
    response = office.post(
        reverse("inspections:inspection_create"),
        {
            "county": factories.county("150121").pk,
            "kind": "funds",
            "date": "2025-03-01",
            "inspectors": "张三",
            "scope": "专项资金",
            "conclusion": "基本合规",
            "report_files": [pdf_upload("检查报告.pdf")],
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and inspection.files.count() == 1
    office.post(
        reverse("inspections:inspection_finding_add", kwargs={"pk": inspection.pk}),
        {
            "category": "funds",
            "severity": "serious",
            "description": "资金未专账核算",
            "requirement": "建立专账",
            "deadline": "2099-01-01",
        },
    )
    finding = Finding.objects.get()
    assert finding.colour == "green"

    county = client_for(county_staff)
    home = county.get(reverse("home"), follow=True)
    assert "资金未专账核算" in home.content.decode()  # the county page lists its findings
    assert "待整改问题（绿）" in home.content.decode()
    page = county.get(reverse("inspections:finding_detail", kwargs={"pk": finding.pk}))
    assert "提交整改" in page.content.decode()
    county.post(
        reverse("inspections:finding_answer", kwargs={"pk": finding.pk}),
        {"text": "已建立专账", "files": [pdf_upload()], "version": 0},
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED

    assert "等待核实销号的整改" in office.get(reverse("home")).content.decode()
    office.post(
        reverse("inspections:finding_step", kwargs={"pk": finding.pk}),
        {"action": "close", "comment": "核实无误", "version": finding.version},
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    timeline = office.get(reverse("inspections:finding_detail", kwargs={"pk": finding.pk})).content.decode()
    assert "已建立专账" in timeline and "核实无误" in timeline


def test_the_county_cannot_close_or_enter(client_for, county_staff, make_finding):
    finding = make_finding()
    county = client_for(county_staff)
    assert county.get(reverse("inspections:inspection_create")).status_code == 403
    county.post(reverse("inspections:finding_step", kwargs={"pk": finding.pk}), {"action": "close"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_one_step_from_an_unmet_indicator_to_a_finding(client_for, region):
    county = factories.county("150121")
    factories.PilotFactory(county=county, start_year=2022, end_year=2024)
    indicator = Indicator.objects.order_by("order").first()
    IndicatorResult.objects.create(
        county=county,
        year=2024,
        indicator=indicator,
        value=3,
        target=10,
        status=ResultStatus.NOT_MET,
        reason="低于目标",
        computed_at=timezone.now(),
    )
    from indicators.models import CountyYearScore

    CountyYearScore.objects.create(county=county, year=2024, score=50, computed_at=timezone.now())
    office = client_for(region)
    dashboard = office.get(
        reverse("indicators:county_dashboard", kwargs={"code": county.code})
    ).content.decode()
    url = (
        f"{reverse('inspections:finding_create')}?county=150121&amp;indicator={indicator.code}&amp;year=2024"
    )
    assert url in dashboard
    form = office.get(url.replace("&amp;", "&"))
    assert form.status_code == 200 and indicator.name in form.content.decode()
    initial = form.context["form"].initial
    assert initial["category"] == "targets"
    response = office.post(
        url.replace("&amp;", "&"),
        {
            "inspection": "",
            "category": "targets",
            "severity": "minor",
            "description": initial["description"],
            "requirement": initial["requirement"],
            "deadline": "2099-06-30",
        },
    )
    finding = Finding.objects.get()
    assert response.status_code == 302
    assert finding.indicator == indicator and finding.indicator_year == 2024
    assert finding.inspection.kind == "annual"


def test_dashboards_and_county_page_show_overdue_findings(client_for, region, league_staff, make_finding):
    make_finding(deadline=datetime.date(2020, 1, 1), description="老问题")
    from inspections.services import escalate_findings

    escalate_findings()
    for client, url in (
        (client_for(region), reverse("indicators:dashboard")),
        (client_for(league_staff), reverse("indicators:league_dashboard")),
    ):
        page = client.get(url).content.decode()
        assert "逾期问题" in page and "土默特左旗" in page
    county_page = (
        client_for(region).get(reverse("counties:detail", kwargs={"code": "150121"})).content.decode()
    )
    assert "老问题" in county_page


def test_the_audit_sheet_lists_every_finding_with_colour_and_days_overdue(
    client_for, auditor, make_finding, county_staff, region
):
    from inspections.services import answer_finding, close_finding, escalate_findings

    make_finding(deadline=datetime.date(2020, 1, 1), description="红色问题")
    closed = make_finding(deadline=datetime.date(2099, 1, 1), description="已销号问题")
    answer_finding(user=county_staff, finding=closed, text="ok", files=[pdf_upload()])
    close_finding(user=region, finding=closed)
    escalate_findings()
    response = client_for(auditor).get(reverse("indicators:export_audit"))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook[SHEET_TITLE].iter_rows(values_only=True))
    assert list(rows[0][: len(HEADERS)]) == HEADERS
    by_text = {row[7]: row for row in rows[1:]}
    red = by_text["红色问题"]
    assert red[10] == "待整改" and red[11] == "红"
    assert red[12] == (timezone.localdate() - datetime.date(2020, 1, 1)).days
    done = by_text["已销号问题"]
    assert done[10] == "已销号" and done[12] == 0 and done[13] is not None
