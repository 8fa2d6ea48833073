"""Locking: approved reports are locked for every path of change; a submitted one changes only by the region.

``ensure_editable`` / ``ensure_values_changeable`` / ``may_change_values`` state the rule once (forms, Excel
imports and training records all call it); ``is_year_locked`` answers it for a (county, year);
``refresh_from_locked`` copies a row read under ``select_for_update`` back onto the caller's instance.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from config.access import is_region

from ..errors import ReportLocked
from ..models import AnnualReport, ReportStatus
from ..workflow import record_step


def ensure_editable(report: AnnualReport) -> None:
    if report.status == ReportStatus.APPROVED:
        raise ReportLocked(report)


def ensure_values_changeable(report: AnnualReport, user) -> None:
    """The one rule for changing a report's values, by form or import: never when approved; while submitted
    (under review) only by the regional office. Raises ``ReportLocked`` with the reason."""
    ensure_editable(report)
    if report.status == ReportStatus.SUBMITTED and not is_region(user):
        raise ReportLocked(
            report,
            _(
                "The %(year)s report of %(county)s has been submitted and is awaiting review; it can be "
                "changed again once the regional office returns it."
            )
            % {"year": report.year, "county": report.county.name},
        )


def may_change_values(report: AnnualReport | None, user) -> bool:
    if report is None:
        return True
    try:
        ensure_values_changeable(report, user)
    except ReportLocked:
        return False
    return True


def is_year_locked(county_id: int, year: int) -> bool:
    """Whether the (county, year) report exists and is approved (so its data and events are locked)."""
    return AnnualReport.objects.filter(county_id=county_id, year=year, status=ReportStatus.APPROVED).exists()


def refresh_from_locked(report: AnnualReport, locked: AnnualReport) -> None:
    """Copy the stored state onto the caller's instance."""
    for name in (
        "pk",
        "status",
        "version",
        "updated_at",
        "created_at",
        "submitted_at",
        "submitted_by_id",
        "reviewed_at",
        "reviewed_by_id",
        "review_comment",
    ):
        setattr(report, name, getattr(locked, name))
    report.id = locked.pk


def back_to_draft(report: AnnualReport, user, reason: str = "") -> None:
    """A returned report whose data changes goes back to draft (the county is fixing it); call inside the
    transaction that changes the data."""
    if report.status == ReportStatus.RETURNED:
        record_step(report, report.status, ReportStatus.DRAFT, user, reason)
        report.status = ReportStatus.DRAFT
