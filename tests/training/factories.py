"""Factories of the training app: events with audience headcounts, and evidence files."""

import datetime
import hashlib

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from tests.counties.factories import county
from training.models import EventAudience, EventEvidence, EventKind, TrainingEvent

PDF = b"%PDF-1.4\n%%EOF\n"


class EventFactory(DjangoModelFactory):
    """An event stored directly (bypassing the services)."""

    class Meta:
        model = TrainingEvent

    county = factory.LazyFunction(lambda: county("150121"))
    date = datetime.date(2024, 6, 1)
    kind = EventKind.TRAINING
    title = "专利培训"


class AudienceFactory(DjangoModelFactory):
    class Meta:
        model = EventAudience

    event = factory.SubFactory(EventFactory)
    category = "enterprise"
    headcount = 30


class EvidenceFactory(DjangoModelFactory):
    """An evidence file row; ``content`` (bytes) stores a real file, otherwise only the row is made."""

    class Meta:
        model = EventEvidence
        exclude = ("content",)

    event = factory.SubFactory(EventFactory)
    content = None
    original_name = "a.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content) if o.content else 5)
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest() if o.content else "0" * 64)
    file = factory.LazyAttribute(
        lambda o: ContentFile(o.content, name="evidence.pdf") if o.content else "x.pdf"
    )


def make_event(
    county_code="150121",
    date=datetime.date(2024, 6, 1),
    kind=EventKind.TRAINING,
    title="专利培训",
    audiences=None,
    **fields,
) -> TrainingEvent:
    """An event with ``audiences`` as category → headcount (default 30 enterprise staff)."""
    event = EventFactory(county=county(county_code), date=date, kind=kind, title=title, **fields)
    for category, headcount in (audiences if audiences is not None else {"enterprise": 30}).items():
        AudienceFactory(event=event, category=category, headcount=headcount)
    return event
