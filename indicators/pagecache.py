"""The data version of the dashboards and the completeness grid (``config.pagecache`` keys fragments on it).

One query reads a fingerprint of what those pages show: reports (count, last change), stored scores (count, last
computed: a score row is rewritten whenever a result of its pair is, see ``scoring.store._changed_rows``),
stale marks (count, last mark), pilot designations (with their last history row), reporting deadlines and today's
date. Every change that affects a score marks the (county, year) stale (``services.request_score_recompute``), which
changes the version at once; the recompute then rewrites results and scores (their ``computed_at``) and clears
the marks, changing it again. A report's status change saves the report (``updated_at``). So a fragment is
re-rendered after each of these changes and served from the cache otherwise.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.utils import timezone

from counties.models import PilotDesignation

from .models import AnnualReport, CountyYearScore, ReportingDeadline, StaleScore


def version_parts() -> list[str]:
    """The parts of ``data_version`` (also collected by ``config.pagecache.site_version``)."""
    return list(_parts(connection.vendor))


@cache
def _parts(vendor: str) -> tuple[str, ...]:
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    pilot_history = PilotDesignation.history.model
    parts = [
        f"SELECT COUNT(*), CAST(MAX({column(AnnualReport, 'updated_at')}) AS TEXT) FROM {table(AnnualReport)}",
        f"SELECT COUNT(*), CAST(MAX({column(CountyYearScore, 'computed_at')}) AS TEXT) FROM {table(CountyYearScore)}",
        f"SELECT COUNT(*), CAST(MAX({column(StaleScore, 'marked_at')}) AS TEXT) FROM {table(StaleScore)}",
        f"SELECT COUNT(*), CAST(SUM({column(PilotDesignation, 'start_year')} * 7 + "
        f"{column(PilotDesignation, 'end_year')} * 13 + {column(PilotDesignation, 'batch')} * 17 + "
        f"{column(PilotDesignation, 'county')} * 31) AS TEXT) FROM {table(PilotDesignation)}",
        # Every save of a designation (its status too) adds a history row.
        f"SELECT MAX({quote(pilot_history._meta.pk.column)}), 'pilot history' FROM {table(pilot_history)}",
        f"SELECT {column(ReportingDeadline, 'year')}, CAST({column(ReportingDeadline, 'deadline')} AS TEXT) "
        f"FROM {table(ReportingDeadline)}",
    ]
    return tuple(parts)


@cache
def _query(vendor: str) -> str:
    return " UNION ALL ".join(_parts(vendor))


def data_version() -> str:
    """A fingerprint of the reports, scores, results, stale marks, pilots and reporting deadlines (one query),
    and today's date (whether a report is overdue changes with it)."""
    with connection.cursor() as cursor:
        cursor.execute(_query(connection.vendor))
        return repr((timezone.localdate(), sorted(cursor.fetchall(), key=repr)))
