"""Shared fixtures."""

import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def region(db):
    return factories.region_user(username="region_t")


@pytest.fixture
def county_staff(db):
    return factories.county_user("150121", username="county_t")


@pytest.fixture
def other_county_staff(db):
    """Staff of 托克托县 (150122): same league as 150121, another county."""
    return factories.county_user("150122", username="other_county_t")


@pytest.fixture
def league_staff(db):
    return factories.league_user("150100", username="league_t")


@pytest.fixture
def auditor(db):
    return factories.auditor_user(username="auditor_t")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    """``client_for(user)``: a test client logged in as ``user``."""
    return _client_for
