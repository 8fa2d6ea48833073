"""Derived values of a submitted or approved year are frozen, and every change of them is in the report's history."""

import datetime

import pytest
from django.urls import reverse

from indicators import services as report_services
from indicators.models import DataValue, ReportStatus
from indicators.selectors import history_rows
from indicators.services import ReportLocked
from tests import factories
from tests.indicators.factories import GOOD_VALUES, make_report
from training import services

pytestmark = pytest.mark.django_db

TRAINING = {"date": datetime.date(2024, 5, 8), "title": "专利实务培训", "kind": "training", "place": "会议室"}


@pytest.fixture
def draft_2024(db):
    return make_report("150121", 2024, GOOD_VALUES)


def _headcount(report):
    row = DataValue.objects.filter(report=report, element__code="training_headcount").first()
    return None if row is None else row.value


def test_submission_snapshots_derived_values_into_the_report_history(draft_2024, county_staff, region):
    county = factories.county("150121")
    services.create_event(county_staff, county, TRAINING, {"enterprise": 125})
    report_services.submit_report(draft_2024, county_staff)
    assert _headcount(draft_2024) == 125
    first = [row for row in history_rows(draft_2024) if row["element"].code == "training_headcount"]
    assert len(first) == 1 and first[0]["new"] == 125 and first[0]["user"] == county_staff

    # Under review: the event cannot change, for county staff nor for the region.
    for user in (county_staff, region):
        with pytest.raises(ReportLocked) as refused:
            services.create_event(user, county, TRAINING | {"title": "第二期"}, {"enterprise": 10})
        assert "已提交" in refused.value.message and "退回" in refused.value.message

    # Returned, changed, submitted again: the change is a history line old → new.
    report_services.return_report(draft_2024, region, "请补充")
    services.create_event(county_staff, county, TRAINING | {"title": "第二期"}, {"enterprise": 10})
    report_services.submit_report(draft_2024, county_staff)
    assert _headcount(draft_2024) == 135
    lines = [row for row in history_rows(draft_2024) if row["element"].code == "training_headcount"]
    assert [(row["old"], row["new"]) for row in lines] == [(125, 135), (None, 125)]


def test_an_approved_year_is_frozen_and_says_so(draft_2024, county_staff, region, client_for):
    event = services.create_event(county_staff, factories.county("150121"), TRAINING, {"enterprise": 5})
    report_services.submit_report(draft_2024, county_staff)
    report_services.approve_report(draft_2024, region)
    with pytest.raises(ReportLocked) as refused:
        services.update_event(county_staff, event, {"title": "改名"})
    assert "已通过" in refused.value.message or "审核通过" in refused.value.message
    page = client_for(county_staff).get(reverse("training:event_detail", args=[event.pk]))
    assert "冻结" in page.content.decode()
    assert draft_2024.status == ReportStatus.APPROVED
