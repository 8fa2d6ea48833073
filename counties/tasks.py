"""Celery tasks of the organisation app."""

from celery import shared_task


@shared_task(name="counties.ping")
def ping() -> str:
    """A trivial task that proves the Celery wiring (in-process or through the broker)."""
    return "pong"
