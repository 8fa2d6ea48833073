"""Recompute machinery: mark (county, year) scores stale in the transaction and enqueue one task on commit.

This module reads Django's transaction internals (``connection.run_on_commit`` and ``savepoint_ids``) to
coalesce every call of one transaction into a single task; ``tests/indicators/test_recompute.py`` pins that
behaviour (nested savepoints, rollbacks) so a Django upgrade that changes the internals fails loudly.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from .. import tasks
from ..models import StaleScore

logger = logging.getLogger(__name__)


def request_score_recompute(
    pairs: Iterable[tuple[int, int]], *, include_next_year: bool = True
) -> set[tuple[int, int]]:
    """Mark ``(county_id, year)`` pairs stale now and enqueue their recomputation when the transaction commits.

    Calls within one transaction coalesce into a single task: pairs join a pending task registered at the same or
    an outer savepoint level, which survives any rollback that would undo this change (recomputing a pair whose
    change was rolled back is harmless). Nothing is enqueued on rollback of the whole transaction (the stale marks
    roll back too). Returns the pairs marked.
    """
    affected = set()
    for county_id, year in pairs:
        affected.add((int(county_id), int(year)))
        if include_next_year:
            affected.add((int(county_id), int(year) + 1))
    if not affected:
        return affected
    # An existing mark gets a fresh marked_at: a recompute already running keeps it (it started earlier).
    StaleScore.objects.bulk_create(
        [StaleScore(county_id=c, year=y) for c, y in sorted(affected)],
        update_conflicts=True,
        unique_fields=["county", "year"],
        update_fields=["marked_at"],
    )
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue(affected)
        return affected
    current_savepoints = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        queued = getattr(callback, "recompute_pairs", None)
        if queued is not None and savepoints <= current_savepoints:
            queued.update(affected)
            return affected

    def enqueue():
        _enqueue(enqueue.recompute_pairs)

    enqueue.recompute_pairs = set(affected)
    transaction.on_commit(enqueue)
    return affected


def _enqueue(pairs: set[tuple[int, int]]) -> None:
    """Send the task (or run it, in-process). A failure never undoes the committed change: it is logged and
    the pairs stay marked stale for the sweep (Celery beat, or ``manage.py recompute_scores``)."""
    try:
        tasks.recompute_scores.delay(sorted(pairs))
    except Exception:  # noqa: BLE001 - broker down or an in-process failure: the stale marks remain
        logger.exception(
            "Score recomputation of %s pairs could not run now; they stay marked stale.", len(pairs)
        )
