"""Fixtures of the training tests: evidence files go to a temporary MEDIA_ROOT, events are made directly."""

import datetime

import pytest

from tests import factories
from training.models import EventAudience, EventKind, TrainingEvent


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_event(
    county_code="150121",
    date=datetime.date(2024, 6, 1),
    kind=EventKind.TRAINING,
    title="专利培训",
    audiences=None,
    **fields,
) -> TrainingEvent:
    """An event stored directly (bypassing the services), with ``audiences`` as category → headcount."""
    event = TrainingEvent.objects.create(
        county=factories.county(county_code), date=date, kind=kind, title=title, **fields
    )
    for category, headcount in (audiences if audiences is not None else {"enterprise": 30}).items():
        EventAudience.objects.create(event=event, category=category, headcount=headcount)
    return event


@pytest.fixture
def event_factory(db):
    return make_event
