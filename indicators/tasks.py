"""Celery tasks of the indicators app: score recomputation and the stale sweep."""

from celery import shared_task


@shared_task(name="indicators.tasks.recompute_scores")
def recompute_scores(pairs: list[list[int]]) -> int:
    """Recompute stored results and scores for these (county_id, year) pairs; returns the number recomputed."""
    from .scoring import recompute

    return recompute([(int(c), int(y)) for c, y in pairs])


@shared_task(name="indicators.tasks.sweep_stale_scores")
def sweep_stale_scores() -> int:
    """Recompute every pair still marked stale (a lost task only delays)."""
    from .scoring import recompute_stale

    return recompute_stale()
