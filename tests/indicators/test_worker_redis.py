"""A real Celery worker on Redis scores a committed change, including one made while no worker was running.

Skipped unless ``RUN_REDIS_TESTS=1``. Needs a database the worker process can reach (PostgreSQL: the worker is
started with ``DATABASE_URL`` pointing at pytest-django's test database) and Redis (``REDIS_TEST_URL``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test RUN_REDIS_TESTS=1 \\
    REDIS_TEST_URL=redis://127.0.0.1:6379/15 .venv/bin/pytest tests/indicators/test_worker_redis.py

The data is committed for real (on a second connection, outside the test's transaction) and removed at the
end.
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from indicators.models import AnnualReport, CountyYearScore, DataValue, IndicatorResult, StaleScore
from indicators.services import request_score_recompute
from tests import factories
from tests.indicators.factories import make_report

BASE_DIR = Path(settings.BASE_DIR)
COUNTY = "150123"
YEAR = 2024


def worker_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def start_worker(queue: str, redis_url: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": worker_database_url(), "REDIS_URL": redis_url, "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "worker-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    env.pop("RUN_REDIS_TESTS", None)
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-n", f"{queue}@%h",
        "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)


def remove_test_data(county_id: int) -> None:
    reports = AnnualReport.objects.filter(county_id=county_id)
    report_ids = list(reports.values_list("pk", flat=True))
    DataValue.objects.filter(report_id__in=report_ids).delete()
    reports.delete()
    # History last: deleting the rows above records their deletion in it.
    DataValue.history.model.objects.filter(report_id__in=report_ids).delete()
    AnnualReport.history.model.objects.filter(county_id=county_id).delete()
    IndicatorResult.objects.filter(county_id=county_id).delete()
    CountyYearScore.objects.filter(county_id=county_id).delete()
    StaleScore.objects.filter(county_id=county_id).delete()


@contextmanager
def committing_connection():
    """A fresh autocommit connection to the test database in place of the test's transaction, so that what
    the test writes is really committed and visible to the worker process."""
    original = connections[DEFAULT_DB_ALIAS]
    fresh = connections.create_connection(DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = fresh
    try:
        yield
    finally:
        fresh.close()
        connections[DEFAULT_DB_ALIAS] = original


@pytest.mark.redis
@pytest.mark.django_db
def test_a_worker_started_after_the_change_scores_it(celery_to_redis, redis_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can reach: run with a PostgreSQL DATABASE_URL")
    queue = celery_to_redis
    log = tmp_path / "worker.log"
    with committing_connection():
        county_id = factories.county(COUNTY).pk
        remove_test_data(county_id)
        worker = None
        try:
            with transaction.atomic():  # a change lands while no worker runs: enqueued on commit
                make_report(COUNTY, YEAR)
                request_score_recompute([(county_id, YEAR)])
            assert StaleScore.objects.filter(county_id=county_id).count() == 2  # YEAR and YEAR + 1
            assert not CountyYearScore.objects.filter(county_id=county_id).exists()
            from config.celery import app

            with app.connection_for_write() as conn:
                assert conn.default_channel.client.llen(queue) == 1  # waiting in Redis

            worker = start_worker(queue, redis_url, log)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                scored = CountyYearScore.objects.filter(county_id=county_id, year=YEAR).exists()
                if scored and not StaleScore.objects.filter(county_id=county_id).exists():
                    break
                assert worker.poll() is None, log.read_text()
                time.sleep(0.5)
            else:
                pytest.fail("the worker did not score the change in time:\n" + log.read_text())
            assert IndicatorResult.objects.filter(county_id=county_id, year=YEAR).count() == 21
            assert CountyYearScore.objects.get(county_id=county_id, year=YEAR).score is not None
        finally:
            if worker is not None:
                stop(worker)
            remove_test_data(county_id)


@pytest.mark.django_db
def test_concurrent_recomputations_of_the_same_pairs_do_not_conflict():
    """Two workers recomputing the same pairs at once (PostgreSQL: row locks and upserts) end with one row
    per indicator and no error. Runs whenever the database is PostgreSQL (no Redis needed)."""
    import threading

    from indicators.scoring import recompute

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent connections to one database)")
    with committing_connection():
        county_id = factories.county(COUNTY).pk
        remove_test_data(county_id)
        try:
            for year in (2023, 2024, 2025):
                make_report(COUNTY, year)
            pairs = [(county_id, 2023), (county_id, 2024), (county_id, 2025)]
            errors, counts = [], []
            start = threading.Barrier(3)

            def run():
                try:
                    start.wait()
                    counts.append(recompute(pairs))
                except Exception as exc:  # noqa: BLE001 - collected and asserted below
                    errors.append(exc)
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=run) for _ in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert errors == []
            assert counts == [3, 3, 3]
            assert IndicatorResult.objects.filter(county_id=county_id).count() == 3 * 21
            assert CountyYearScore.objects.filter(county_id=county_id).count() == 3
        finally:
            remove_test_data(county_id)
