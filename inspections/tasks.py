"""The daily colour job (``CELERY_BEAT_SCHEDULE``): the same code as ``manage.py escalate_findings``."""

from celery import shared_task
from django.db import OperationalError

from .services import escalate_findings as run


@shared_task(
    name="inspections.tasks.escalate_findings",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=8,
)
def escalate_findings() -> dict:
    """Recompute every open finding's colour as of today; returns the count per colour and of changes."""
    result = run()
    return {**{colour or "none": n for colour, n in result.counts.items()}, "changed": len(result.changed)}
