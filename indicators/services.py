"""Write-side rules for annual data shared by every path of change (forms, imports, training records).

* ``ensure_editable`` / ``is_year_locked``: approved reports are locked for every path of change.
* ``request_score_recompute``: marks (county, year) pairs stale in the current transaction and enqueues
  one recomputation on commit; a change to year Y also affects Y+1 (the ``increase`` rule).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from .models import AnnualReport, ReportStatus, StaleScore


class ReportLocked(Exception):
    """Raised when something tries to change the data of an approved (locked) report."""

    def __init__(self, report: AnnualReport | None = None, message: str | None = None):
        self.report = report
        self.message = message or _("The %(year)s report of %(county)s is approved and locked.") % {
            "year": report.year if report else "",
            "county": report.county.name if report else "",
        }
        super().__init__(self.message)


def ensure_editable(report: AnnualReport) -> None:
    if report.status == ReportStatus.APPROVED:
        raise ReportLocked(report)


def is_year_locked(county_id: int, year: int) -> bool:
    """Whether the (county, year) report exists and is approved (so its data and events are locked)."""
    return AnnualReport.objects.filter(county_id=county_id, year=year, status=ReportStatus.APPROVED).exists()


def request_score_recompute(
    pairs: Iterable[tuple[int, int]], *, include_next_year: bool = True
) -> set[tuple[int, int]]:
    """Mark ``(county_id, year)`` pairs stale now and enqueue their recomputation when the transaction commits.

    Calls within one transaction coalesce into a single task; nothing is enqueued on rollback (the stale marks
    roll back too). Returns the pairs marked.
    """
    from .tasks import recompute_scores

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
        recompute_scores.delay(sorted(affected))
        return affected
    current_savepoints = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        queued = getattr(callback, "recompute_pairs", None)
        if queued is not None and savepoints == current_savepoints:
            queued.update(affected)
            return affected

    def enqueue():
        recompute_scores.delay(sorted(enqueue.recompute_pairs))

    enqueue.recompute_pairs = set(affected)
    transaction.on_commit(enqueue)
    return affected
