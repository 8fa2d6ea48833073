"""End to end: recording events moves the stored training indicators (through the on-commit recompute)."""

import datetime

import pytest

from indicators.models import IndicatorResult, ResultStatus
from tests import factories
from training import services

pytestmark = pytest.mark.django_db


def result(code, year=2024):
    return IndicatorResult.objects.get(county=factories.county("150121"), year=year, indicator__code=code)


def test_events_reaching_the_targets_turn_the_indicators_met(
    county_staff, django_capture_on_commit_callbacks
):
    factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)
    factories.ReportFactory(county=factories.county("150121"), year=2024)
    county = factories.county("150121")
    with django_capture_on_commit_callbacks(execute=True):
        event = services.create_event(
            county_staff,
            county,
            {"date": datetime.date(2024, 6, 1), "title": "专利培训", "kind": "training"},
            {"enterprise": 60},
        )
    assert result("training_headcount").status == ResultStatus.NOT_MET
    assert result("training_headcount").value == 60
    assert result("publicity_week").status == ResultStatus.NOT_MET
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(county_staff, event, {"date": datetime.date(2024, 4, 26)}, {"enterprise": 100})
    assert result("training_headcount").status == ResultStatus.MET
    assert result("publicity_week").status == ResultStatus.MET
