"""Fixtures of the training tests: evidence files go to a temporary MEDIA_ROOT, events are made by ``tests/training/factories.py``."""

import pytest

from tests.training.factories import make_event

__all__ = ["make_event"]  # kept importable from here; it lives in tests/training/factories.py


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def event_factory(db):
    return make_event
