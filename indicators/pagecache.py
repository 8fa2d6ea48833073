"""The data version of the dashboards and the completeness grid (``config.pagecache`` keys fragments on it).

One query reads a fingerprint of what those pages show: reports (count, last change), stored scores and results
(count, last computed), stale marks (count, last mark), pilot designations, reporting deadlines and today's date. Every change that affects a score
marks the (county, year) stale (``services.request_score_recompute``), which changes the version at once; the
recompute then rewrites results and scores (their ``computed_at``) and clears the marks, changing it again. A
report's status change saves the report (``updated_at``). So a fragment is re-rendered after each of these
changes and served from the cache otherwise.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from counties.models import PilotDesignation

from .models import AnnualReport, CountyYearScore, IndicatorResult, ReportingDeadline, StaleScore


def _sql() -> str:
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    parts = [
        f"SELECT COUNT(*), CAST(MAX({column(AnnualReport, 'updated_at')}) AS TEXT) FROM {table(AnnualReport)}",
        f"SELECT COUNT(*), CAST(MAX({column(CountyYearScore, 'computed_at')}) AS TEXT) FROM {table(CountyYearScore)}",
        f"SELECT COUNT(*), CAST(MAX({column(IndicatorResult, 'computed_at')}) AS TEXT) FROM {table(IndicatorResult)}",
        f"SELECT COUNT(*), CAST(MAX({column(StaleScore, 'marked_at')}) AS TEXT) FROM {table(StaleScore)}",
        f"SELECT COUNT(*), CAST(SUM({column(PilotDesignation, 'start_year')} * 7 + "
        f"{column(PilotDesignation, 'end_year')} * 13 + {column(PilotDesignation, 'batch')} * 17 + "
        f"{column(PilotDesignation, 'county')} * 31) AS TEXT) FROM {table(PilotDesignation)}",
        f"SELECT {column(ReportingDeadline, 'year')}, CAST({column(ReportingDeadline, 'deadline')} AS TEXT) "
        f"FROM {table(ReportingDeadline)}",
    ]
    return " UNION ALL ".join(parts)


def data_version() -> str:
    """A fingerprint of the reports, scores, results, stale marks, pilots and reporting deadlines (one query),
    and today's date (whether a report is overdue changes with it)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql())
        return repr((timezone.localdate(), sorted(cursor.fetchall(), key=repr)))
