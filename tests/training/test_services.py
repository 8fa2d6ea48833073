"""Writing events: locking of approved years, permissions, validation, history and the recompute trigger."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import ReportStatus, StaleScore
from indicators.services import ReportLocked
from tests import factories
from training import services
from training.models import TrainingEvent

pytestmark = pytest.mark.django_db

FIELDS = {"date": datetime.date(2024, 5, 8), "title": "专利实务培训", "kind": "training", "place": "会议室"}


def approve(code, year):
    factories.ReportFactory(county=factories.county(code), year=year, status=ReportStatus.APPROVED)


def test_create_stores_audiences_and_history(county_staff):
    event = services.create_event(
        county_staff, factories.county("150121"), FIELDS, {"management": 10, "enterprise": 25}
    )
    assert {a.category: a.headcount for a in event.audiences.all()} == {"management": 10, "enterprise": 25}
    assert event.year == 2024 and event.created_by == county_staff
    services.update_event(county_staff, event, {"title": "专利实务培训（第二期）"})
    assert [h.title for h in event.history.order_by("history_date")] == [
        "专利实务培训",
        "专利实务培训（第二期）",
    ]


def test_a_training_needs_a_headcount_and_an_agency_a_name(county_staff):
    county = factories.county("150121")
    with pytest.raises(ValidationError) as exc:
        services.create_event(county_staff, county, FIELDS, {})
    assert "人次" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.create_event(county_staff, county, FIELDS | {"organiser_kind": "agency"}, {"service": 3})
    assert "organiser_name" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.create_event(
            county_staff, county, FIELDS | {"date": datetime.date(2999, 1, 1)}, {"service": 3}
        )
    assert not TrainingEvent.objects.exists()


def test_publicity_activity_may_have_no_headcount(county_staff):
    event = services.create_event(
        county_staff, factories.county("150121"), FIELDS | {"kind": "publicity"}, {}
    )
    assert not event.audiences.exists()


@pytest.mark.parametrize("user_fixture", ["auditor", "league_staff", "other_county_staff"])
def test_only_the_county_and_region_may_write(request, user_fixture, event_factory):
    user = request.getfixturevalue(user_fixture)
    event = event_factory()
    with pytest.raises(PermissionDenied):
        services.create_event(user, factories.county("150121"), FIELDS, {"service": 3})
    with pytest.raises(PermissionDenied):
        services.update_event(user, event, {"title": "x"})
    with pytest.raises(PermissionDenied):
        services.delete_event(user, event)


def test_events_of_an_approved_year_are_locked(county_staff, event_factory):
    event = event_factory(date=datetime.date(2024, 6, 1))
    other = event_factory(date=datetime.date(2025, 3, 1), title="2025年培训")
    approve("150121", 2024)
    county = factories.county("150121")
    with pytest.raises(ReportLocked):
        services.create_event(county_staff, county, FIELDS, {"service": 3})
    with pytest.raises(ReportLocked):
        services.update_event(county_staff, event, {"title": "changed"})
    with pytest.raises(ReportLocked):
        services.delete_event(county_staff, event)
    # Moving an event of an open year into the locked year is refused too.
    with pytest.raises(ReportLocked):
        services.update_event(county_staff, other, {"date": datetime.date(2024, 7, 1)})
    event.refresh_from_db()
    other.refresh_from_db()
    assert event.title == "专利培训" and other.year == 2025


def test_a_returned_or_draft_year_is_not_locked(county_staff):
    factories.ReportFactory(county=factories.county("150121"), year=2024, status=ReportStatus.RETURNED)
    assert services.create_event(county_staff, factories.county("150121"), FIELDS, {"service": 3}).pk


def test_a_submitted_year_is_frozen_for_everyone(county_staff, region):
    factories.ReportFactory(county=factories.county("150121"), year=2024, status=ReportStatus.SUBMITTED)
    for user in (county_staff, region):
        with pytest.raises(ReportLocked):
            services.create_event(user, factories.county("150121"), FIELDS, {"service": 3})


def test_create_change_delete_request_a_recompute_of_the_pairs(
    county_staff, event_factory, django_capture_on_commit_callbacks
):
    county = factories.county("150121")
    with mock.patch("indicators.tasks.recompute_scores.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            event = services.create_event(county_staff, county, FIELDS, {"service": 3})
        delay.assert_called_once_with([(county.pk, 2024), (county.pk, 2025)])
        delay.reset_mock()
        with django_capture_on_commit_callbacks(execute=True):
            services.update_event(county_staff, event, {"date": datetime.date(2023, 12, 1)})
        delay.assert_called_once_with([(county.pk, 2023), (county.pk, 2024), (county.pk, 2025)])
        delay.reset_mock()
        with django_capture_on_commit_callbacks(execute=True):
            services.delete_event(county_staff, event)
        delay.assert_called_once_with([(county.pk, 2023), (county.pk, 2024)])
    assert StaleScore.objects.filter(county=county, year=2023).exists()


def test_a_refused_change_requests_nothing(county_staff, event_factory, django_capture_on_commit_callbacks):
    event = event_factory()
    approve("150121", 2024)
    with mock.patch("indicators.tasks.recompute_scores.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(ReportLocked):
                services.update_event(county_staff, event, {"title": "x"})
    assert callbacks == [] and not delay.called
