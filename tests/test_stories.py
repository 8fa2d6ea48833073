"""The issues' "done when" stories, end to end through the pages, with tasks running in-process on commit."""

import pytest
from django.urls import reverse

from indicators.models import AnnualReport, CountyYearScore, DataValue, IndicatorResult, ReportStatus
from tests import factories
from tests.indicators.test_entry import VALID_INPUT, detail_url, entry_url, post_data

pytestmark = pytest.mark.django_db


def workflow_url(step, code="150121", year=2024):
    return reverse(f"indicators:report_{step}", kwargs={"code": code, "year": year})


def version():
    return AnnualReport.objects.get(county__code="150121", year=2024).version


def result(code, year=2024):
    return IndicatorResult.objects.get(county__code="150121", year=year, indicator__code=code)


@pytest.fixture
def pilot(db):
    return factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)


def test_a_year_is_filled_returned_fixed_resubmitted_approved_and_then_locked(
    client_for, county_staff, region, pilot, django_capture_on_commit_callbacks
):
    county, office = client_for(county_staff), client_for(region)

    with django_capture_on_commit_callbacks(execute=True):
        response = county.post(entry_url(), post_data(version=0, submit="1"))
    assert response.status_code == 302
    report = AnnualReport.objects.get(county__code="150121", year=2024)
    assert report.status == ReportStatus.SUBMITTED
    score = CountyYearScore.objects.get(county__code="150121", year=2024)
    assert score.score is not None

    with django_capture_on_commit_callbacks(execute=True):
        office.post(workflow_url("return"), {"version": version(), "comment": "专利数请按年末口径核对"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert "专利数请按年末口径核对" in county.get(detail_url()).content.decode()

    fixed = dict(VALID_INPUT, invention_patents_held="160")
    with django_capture_on_commit_callbacks(execute=True):
        county.post(entry_url(), post_data(fixed, version=version(), submit="1"))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert DataValue.objects.get(report=report, element__code="invention_patents_held").value == 160

    with django_capture_on_commit_callbacks(execute=True):
        office.post(workflow_url("approve"), {"version": version()})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED

    county.post(entry_url(), post_data(dict(fixed, invention_patents_held="999"), version=version()))
    assert DataValue.objects.get(report=report, element__code="invention_patents_held").value == 160
    assert [t.to_status for t in report.transitions.all()] == [
        "submitted",
        "returned",
        "draft",
        "submitted",
        "approved",
    ]


def test_changing_one_value_in_the_browser_updates_the_stored_score(
    client_for, county_staff, pilot, django_capture_on_commit_callbacks
):
    county = client_for(county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        county.post(entry_url(), post_data(version=0))
    assert result("hightech_conversion").status == "met"
    before = CountyYearScore.objects.get(county__code="150121", year=2024).score

    low = dict(VALID_INPUT, hightech_patents_implemented="1")
    with django_capture_on_commit_callbacks(execute=True):
        county.post(entry_url(), post_data(low, version=version()))
    assert result("hightech_conversion").status == "not_met"
    after = CountyYearScore.objects.get(county__code="150121", year=2024)
    assert after.score < before
    dashboard = county.get(reverse("indicators:county_dashboard", kwargs={"code": "150121"}))
    assert dashboard.status_code == 200


def test_recording_trainings_turns_the_training_indicator_met_without_a_manual_recompute(
    client_for, county_staff, pilot, django_capture_on_commit_callbacks
):
    county = client_for(county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        county.post(entry_url(), post_data(version=0))
    assert result("training_headcount").status == "not_met"
    assert result("training_headcount").value == 0

    for title, people in (("专利基础知识培训", 60), ("商标品牌培训", 45)):
        with django_capture_on_commit_callbacks(execute=True):
            response = county.post(
                reverse("training:event_create"),
                {
                    "county": factories.county("150121").pk,
                    "date": "2024-06-18",
                    "title": title,
                    "kind": "training",
                    "publicity_week": "auto",
                    "organiser_kind": "bureau",
                    "place": "旗政务服务中心",
                    "headcount_enterprise": str(people),
                },
            )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert result("training_headcount").value == 105
    assert result("training_headcount").status == "met"
