"""The review page (issue 16, point 3): one decision form, what changed since the last submission, withdrawal."""

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import AnnualReport, ReportStatus, ReportTransition
from tests import factories
from tests.indicators.test_entry import VALID_INPUT, post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(county_staff):
    factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)
    report = AnnualReport(county=factories.county("150121"), year=2024)
    services.save_report_values(report, dict(VALID_INPUT), {}, county_staff, 0)
    return services.submit_report(report, county_staff)


def url(name):
    return reverse(f"indicators:{name}", kwargs={"code": "150121", "year": 2024})


def _status(report):
    report.refresh_from_db()
    return report.status


def test_the_region_decides_in_one_form_with_one_comment_box(client_for, region, submitted):
    page = client_for(region).get(url("report_detail")).content.decode()
    assert page.count('name="comment"') == 1
    assert 'type="radio" name="action" value="approve"' in page
    assert 'type="radio" name="action" value="return"' in page
    assert reverse("indicators:report_review", kwargs={"code": "150121", "year": 2024}) in page


def test_returning_without_a_comment_is_refused_with_the_reason(client_for, region, submitted):
    client = client_for(region)
    response = client.post(url("report_review"), {"action": "return", "comment": " "}, follow=True)
    assert _status(submitted) == ReportStatus.SUBMITTED
    assert [str(m) for m in response.context["messages"]] == ["请填写退回原因，以便旗县知道需要修改什么。"]
    client.post(url("report_review"), {"action": "return", "comment": "请核实专利数"})
    assert _status(submitted) == ReportStatus.RETURNED
    assert ReportTransition.objects.filter(report=submitted).last().comment == "请核实专利数"


def test_no_decision_chosen_is_refused(client_for, region, submitted):
    response = client_for(region).post(url("report_review"), {"comment": "好"}, follow=True)
    assert _status(submitted) == ReportStatus.SUBMITTED
    assert [str(m) for m in response.context["messages"]] == ["请选择通过还是退回该报告。"]


def test_approving_through_the_decision_form(client_for, region, submitted):
    client_for(region).post(url("report_review"), {"action": "approve", "comment": "", "version": 2})
    assert _status(submitted) == ReportStatus.APPROVED


def test_county_staff_cannot_decide(client_for, county_staff, submitted):
    assert client_for(county_staff).post(url("report_review"), {"action": "approve"}).status_code == 403
    assert _status(submitted) == ReportStatus.SUBMITTED


def test_the_review_shows_what_changed_since_the_last_submission(client_for, region, county_staff, submitted):
    services.return_report(submitted, region, "请核实")
    values = dict(VALID_INPUT, invention_patents_held="160")
    client_for(county_staff).post(url("report_entry"), post_data(values, version=submitted.version))
    submitted.refresh_from_db()
    services.submit_report(submitted, county_staff)
    client = client_for(region)
    detail = client.get(url("report_detail"))
    changes = detail.context["changes"]
    assert [(r["element"].code, r["old_text"], r["new_text"], r["user"]) for r in changes.rows] == [
        ("invention_patents_held", "150", "160", county_staff)
    ]
    assert changes.since.to_status == ReportStatus.SUBMITTED
    queue = client.get(reverse("indicators:review_queue"))
    (row,) = queue.context["rows"]
    assert [r["element"].code for r in row["changes"].rows] == ["invention_patents_held"]
    assert "150 → 160" in queue.content.decode()


def test_a_first_submission_has_no_earlier_version(client_for, region, submitted):
    assert client_for(region).get(url("report_detail")).context["changes"] is None
    (row,) = client_for(region).get(reverse("indicators:review_queue")).context["rows"]
    assert row["changes"] is None and row["warnings"] == 0


def test_the_county_withdraws_from_the_report_page(client_for, county_staff, submitted):
    client = client_for(county_staff)
    page = client.get(url("report_detail")).content.decode()
    assert url("report_withdraw") in page
    assert 'name="action"' not in page  # no review decision for the county
    client.post(url("report_withdraw"), {"version": submitted.version})
    assert _status(submitted) == ReportStatus.DRAFT
    assert client.get(url("report_entry")).status_code == 200


def test_no_edit_button_for_the_county_on_a_submitted_report(client_for, county_staff, region, submitted):
    entry = url("report_entry")
    assert entry not in client_for(county_staff).get(url("report_detail")).content.decode()
    assert entry in client_for(region).get(url("report_detail")).content.decode()
