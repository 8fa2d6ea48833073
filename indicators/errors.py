"""The refusals of the annual data's services, as ``config.errors.PortalError`` subclasses.

Views and commands show ``exc.message``; code that catches the kernel's classes (``Locked``, ``Conflict``,
``InvalidInput``, ``config.workflow.TransitionNotAllowed``) catches these too.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import Conflict, InvalidInput, Locked
from config.workflow import TransitionNotAllowed

from .models import AnnualReport
from .parsing import Problem

__all__ = ["ReportConflict", "ReportLocked", "ReportValidationError", "TransitionNotAllowed"]


class ReportLocked(Locked):
    """Raised when something tries to change the data of an approved (locked) or submitted report."""

    def __init__(self, report: AnnualReport | None = None, message: str | None = None):
        self.report = report
        super().__init__(
            message
            or _("The %(year)s report of %(county)s is approved and locked.")
            % {"year": report.year if report else "", "county": report.county.name if report else ""}
        )


def _last_editor(report: AnnualReport) -> str:
    record = report.history.select_related("history_user").first() if report.pk else None
    user = getattr(record, "history_user", None)
    return (user.get_full_name() or user.username) if user else _("another user")


class ReportConflict(Conflict):
    """Raised when the report changed since the form was loaded (optimistic concurrency)."""

    def __init__(self, report: AnnualReport):
        self.report = report
        super().__init__(
            _(
                "Someone else saved this report in the meantime (by %(user)s at %(time)s). Your changes were not "
                "saved: reload the page, check the current values and enter your changes again."
            )
            % {
                "user": _last_editor(report),
                "time": timezone.localtime(report.updated_at).strftime("%Y-%m-%d %H:%M")
                if report.updated_at
                else "",
            }
        )


class ReportValidationError(InvalidInput):
    """Values that cannot be saved: ``errors`` and the ``warnings`` still lacking a confirming comment."""

    def __init__(self, errors: list[Problem], warnings: list[Problem]):
        self.errors = errors
        self.warnings = warnings
        super().__init__("; ".join(p.message for p in [*errors, *warnings]))

    @property
    def messages(self) -> list[str]:
        return [p.message for p in [*self.errors, *self.warnings]]
