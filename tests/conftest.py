"""Shared fixtures."""

import os

import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def private_staging(settings, tmp_path):
    """Staged uploads of each test go to its own folder (never the machine's shared temporary folder)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staging": {
            "BACKEND": "config.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "staging")},
        },
    }
    return tmp_path / "staging"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (cached page fragments of one test never reach another)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


def pytest_collection_modifyitems(config, items):
    """Tests marked ``redis`` need a real Redis (and worker); they run only with RUN_REDIS_TESTS=1."""
    if os.environ.get("RUN_REDIS_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="set RUN_REDIS_TESTS=1 with Redis on REDIS_TEST_URL to run")
    for item in items:
        if "redis" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def redis_url():
    return os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
