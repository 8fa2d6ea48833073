"""Fixtures of the scoring, task and dashboard tests (and the plumbing of the Redis worker test)."""

import os

import pytest

from tests import factories
from tests.indicators.factories import GOOD_VALUES, INCREASING, lower_year_values, make_report

# Kept importable from here for older tests; they live in tests/indicators/factories.py.
__all__ = ["GOOD_VALUES", "INCREASING", "lower_year_values", "make_report"]


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
