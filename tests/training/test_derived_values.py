"""training_headcount and publicity_week_events come from the recorded events (SPEC §3, §9)."""

import datetime
from decimal import Decimal

import pytest

from tests import factories
from training import services
from training.models import EventKind, in_publicity_week
from training.selectors import derived_values

pytestmark = pytest.mark.django_db


def test_no_events_is_zero_not_missing():
    county = factories.county("150121")
    assert derived_values([(county.pk, 2024)]) == {
        (county.pk, 2024): {"training_headcount": Decimal(0), "publicity_week_events": Decimal(0)}
    }


def test_training_headcount_sums_audiences_of_trainings_only(event_factory):
    county = factories.county("150121")
    event_factory(audiences={"management": 20, "enterprise": 45})
    event_factory(date=datetime.date(2024, 9, 3), audiences={"service": 12})
    event_factory(kind=EventKind.PUBLICITY, date=datetime.date(2024, 8, 1), audiences={"enterprise": 300})
    event_factory(date=datetime.date(2023, 6, 1), audiences={"enterprise": 99})
    event_factory(county_code="150122", audiences={"enterprise": 500})
    values = derived_values([(county.pk, 2024), (county.pk, 2023)])
    assert values[(county.pk, 2024)]["training_headcount"] == Decimal(77)
    assert values[(county.pk, 2023)]["training_headcount"] == Decimal(99)


def test_publicity_week_events_counts_flagged_events_of_either_kind(event_factory):
    county = factories.county("150121")
    event_factory(kind=EventKind.PUBLICITY, date=datetime.date(2024, 4, 26), audiences={})
    event_factory(kind=EventKind.TRAINING, date=datetime.date(2024, 4, 22))
    event_factory(kind=EventKind.PUBLICITY, date=datetime.date(2024, 5, 10), audiences={})
    event_factory(
        kind=EventKind.PUBLICITY, date=datetime.date(2024, 5, 11), publicity_week_override=True, audiences={}
    )
    value = derived_values([(county.pk, 2024)])[(county.pk, 2024)]["publicity_week_events"]
    assert value == Decimal(3)


def test_constant_number_of_queries(event_factory, django_assert_max_num_queries):
    counties = [factories.county(code) for code in ("150121", "150122", "150123", "150124")]
    for county in counties:
        event_factory(county_code=county.code)
    pairs = [(c.pk, y) for c in counties for y in range(2020, 2027)]
    with django_assert_max_num_queries(2):
        values = derived_values(pairs)
    assert len(values) == len(pairs)
    assert values[(counties[0].pk, 2024)]["training_headcount"] == Decimal(30)


def test_delete_and_year_move_change_the_values(region, event_factory):
    county = factories.county("150121")
    event = event_factory(date=datetime.date(2024, 12, 30), audiences={"enterprise": 60})
    services.update_event(region, event, {"date": datetime.date(2025, 1, 2)})
    values = derived_values([(county.pk, 2024), (county.pk, 2025)])
    assert values[(county.pk, 2024)]["training_headcount"] == 0
    assert values[(county.pk, 2025)]["training_headcount"] == 60
    services.delete_event(region, event)
    assert derived_values([(county.pk, 2025)])[(county.pk, 2025)]["training_headcount"] == 0


@pytest.mark.parametrize(
    "date, expected",
    [
        (datetime.date(2024, 4, 19), False),
        (datetime.date(2024, 4, 20), True),
        (datetime.date(2024, 4, 26), True),
        (datetime.date(2024, 4, 30), True),
        (datetime.date(2024, 5, 1), False),
    ],
)
def test_the_426_week_is_20_to_30_april(date, expected):
    assert in_publicity_week(date) is expected


def test_the_426_flag_follows_the_date_unless_chosen(region, event_factory):
    event = event_factory(date=datetime.date(2024, 4, 25))
    assert event.in_publicity_week
    services.update_event(region, event, {"date": datetime.date(2024, 6, 1)})
    event.refresh_from_db()
    assert not event.in_publicity_week
    services.update_event(region, event, {"publicity_week_override": True})
    event.refresh_from_db()
    assert event.in_publicity_week
    services.update_event(
        region, event, {"date": datetime.date(2024, 4, 24), "publicity_week_override": False}
    )
    event.refresh_from_db()
    assert not event.in_publicity_week
