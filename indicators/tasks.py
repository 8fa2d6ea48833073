"""Celery tasks of the indicators app: score recomputation and the stale sweep.

Both are safe to run twice or concurrently (the writes are idempotent upserts under a per-county lock) and
retry with backoff when the database is briefly unavailable or locked. ``acks_late`` and
``reject_on_worker_lost`` (settings) redeliver a task whose worker died; the periodic sweep
(``CELERY_BEAT_SCHEDULE``) recomputes whatever is still marked stale, so a lost task only delays.
"""

from celery import shared_task
from django.db import OperationalError

from . import scoring

RETRY_OPTIONS = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="indicators.tasks.recompute_scores", acks_late=True, **RETRY_OPTIONS)
def recompute_scores(pairs: list[list[int]]) -> int:
    """Recompute stored results and scores for these (county_id, year) pairs; returns the number scored."""
    return scoring.recompute([(int(c), int(y)) for c, y in pairs])


@shared_task(name="indicators.tasks.sweep_stale_scores", acks_late=True, **RETRY_OPTIONS)
def sweep_stale_scores() -> int:
    """Recompute every pair still marked stale (a lost task only delays)."""
    return scoring.recompute_stale()
