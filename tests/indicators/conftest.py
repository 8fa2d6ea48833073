"""Fixtures of the scoring, task and dashboard tests (and the plumbing of the Redis worker test)."""

import os
from decimal import Decimal

import pytest

from indicators.models import DataElement, DataValue
from tests import factories

# A year in which every indicator with a fixed target is met (the previous year must be lower for `increase`).
GOOD_VALUES = {
    "population": 100000,
    "invention_patents_held": 50,
    "trademarks_registered": 500,
    "gi_trademarks": 5,
    "gi_products": 3,
    "copyright_registrations": 40,
    "invention_applications": 30,
    "utility_model_applications": 60,
    "design_applications": 10,
    "enterprise_ip_investment": Decimal("120.50"),
    "advantage_enterprises_new": 1,
    "hightech_enterprises": 10,
    "hightech_certified": 10,
    "license_transfer_amount": Decimal("80"),
    "hightech_patents_held": 100,
    "hightech_patents_implemented": 60,
    "industrial_patents_held": 200,
    "industrial_patents_implemented": 80,
    "above_scale_output": Decimal("10000"),
    "above_scale_ip_output": Decimal("3000"),
    "above_scale_enterprises": 20,
    "above_scale_with_patents": 20,
    "enforcement_cases": 7,
    "ip_office_established": 1,
    "joint_meeting_system": 1,
    "admin_judicial_mechanism": 1,
    "assistance_station": 1,
}
INCREASING = [
    "invention_patents_held",
    "trademarks_registered",
    "gi_trademarks",
    "gi_products",
    "copyright_registrations",
    "invention_applications",
    "enterprise_ip_investment",
    "license_transfer_amount",
]


def lower_year_values(values: dict) -> dict:
    """The same values with every `increase` quantity a little lower (a plausible previous year)."""
    lower = dict(values)
    for code in INCREASING:
        lower[code] = Decimal(values[code]) - 1
    return lower


def make_report(code: str, year: int, values: dict | None = None, **overrides):
    """A report of county ``code`` for ``year`` with raw values (``None`` stores an empty value)."""
    report = factories.ReportFactory(county=factories.county(code), year=year)
    data = {**(GOOD_VALUES if values is None else values), **overrides}
    elements = {e.code: e for e in DataElement.objects.filter(code__in=data)}
    DataValue.objects.filter(report=report, element__code__in=data).delete()
    DataValue.objects.bulk_create(
        [DataValue(report=report, element=elements[c], value=v) for c, v in data.items()]
    )
    return report


@pytest.fixture
def pilot(db):
    """土默特左旗 (150121) piloting 2023–2025 (baseline 2022)."""
    return factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)


@pytest.fixture
def redis_url():
    """The broker of the real-worker tests: REDIS_TEST_URL (CI) or REDIS_URL; skipped unless RUN_REDIS_TESTS=1."""
    if os.environ.get("RUN_REDIS_TESTS") != "1":
        pytest.skip("set RUN_REDIS_TESTS=1 (with REDIS_TEST_URL and a PostgreSQL DATABASE_URL) to run")
    url = os.environ.get("REDIS_TEST_URL") or os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_TEST_URL (or REDIS_URL) is not set")
    return url


@pytest.fixture
def celery_to_redis(redis_url):
    """Send tasks to Redis on a queue of this test only (instead of running them in-process); restored after."""
    import uuid

    from config.celery import app

    queue = f"test-scores-{uuid.uuid4().hex[:10]}"
    keys = ("task_always_eager", "broker_url", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.update(task_always_eager=False, broker_url=redis_url, task_default_queue=queue)
    yield queue
    try:
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.update(saved)
        reset_pools()
