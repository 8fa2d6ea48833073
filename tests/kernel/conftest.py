"""Fixtures of the kernel tests: training events made directly (as in the training tests)."""

import pytest

from tests.training.conftest import make_event


@pytest.fixture
def event_factory(db):
    return make_event
