"""Workflow: the steps of ``indicators.workflow.REPORT_WORKFLOW`` (draft → submitted → approved, or returned).

Each step is taken through ``config.workflow`` (row lock, version check, role, comment, record, ``transitioned``
on commit) and marks the scores of (county, year) for recomputation.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import NotAllowed, require_region

from .. import selectors
from ..errors import ReportValidationError, TransitionNotAllowed
from ..freezing import snapshot_derived_values
from ..models import AnnualReport, DataElement, DataValue
from ..parsing import validate_values
from ..workflow import APPROVE, REOPEN, REPORT_WORKFLOW, RETURN, REVIEW_REFUSED, SUBMIT, WITHDRAW
from .locking import refresh_from_locked
from .recompute import request_score_recompute
from .workplan import ensure_tasks_submittable


def _perform(
    report: AnnualReport, action: str, user, comment: str, expected_version, *, check=None, apply=None
):
    """Take ``action`` on ``report`` through the workflow table; the scores of (county, year) are recomputed."""

    def apply_and_rescore(locked):
        if apply is not None:
            apply(locked)
        request_score_recompute([(locked.county_id, locked.year)])

    locked = REPORT_WORKFLOW.perform(
        report,
        action=action,
        user=user,
        comment=comment,
        expected_version=expected_version,
        check=check,
        apply=apply_and_rescore,
    )
    refresh_from_locked(report, locked)
    return report


def available_actions(report: AnnualReport | None, user):
    """The workflow steps ``user`` may take on ``report`` now (what pages offer)."""
    return REPORT_WORKFLOW.available_actions(report, user)


def missing_elements(report: AnnualReport) -> list[DataElement]:
    """Typed elements the report has no value for (a report is submitted complete)."""
    filled = set(
        DataValue.objects.filter(report=report, value__isnull=False).values_list("element_id", flat=True)
    )
    return [e for e in DataElement.objects.filter(is_derived=False) if e.pk not in filled]


def _check_submittable(report: AnnualReport) -> None:
    """A report is submitted complete and valid (warnings confirmed by a comment); a task marked 已完成 has
    its 工作进展."""
    ensure_tasks_submittable(report)
    missing = missing_elements(report)
    if missing:
        raise TransitionNotAllowed(
            _("The report cannot be submitted: these values are missing: %(names)s.")
            % {"names": "、".join(e.name for e in missing)}
        )
    elements = {e.code: e for e in DataElement.objects.all()}
    values = selectors.values_for(report.county_id, report.year)
    errors, warnings = validate_values(
        values, elements, selectors.previous_values(report.county_id, report.year)
    )
    comments = dict(report.values.values_list("element__code", "comment"))
    unconfirmed = [w for w in warnings if not comments.get(w.element_code)]
    if errors or unconfirmed:
        raise ReportValidationError(errors, unconfirmed)


def submit_report(report: AnnualReport, user, *, expected_version: int | None = None, comment: str = ""):
    """County staff (or the regional office on their behalf) submit a complete, valid draft for review."""
    if report.pk is None:
        raise NotAllowed(REPORT_WORKFLOW.transition(SUBMIT).refused)

    def apply(locked):
        locked.submitted_at = timezone.now()
        locked.submitted_by = user
        snapshot_derived_values(locked, user)  # frozen from now on (indicators.freezing)

    return _perform(report, SUBMIT, user, comment, expected_version, check=_check_submittable, apply=apply)


def withdraw_report(report: AnnualReport, user, *, comment: str = "", expected_version: int | None = None):
    """County staff take back a submitted report (→ draft) while the regional office has not started reviewing
    it; the step is recorded like every other."""
    return _perform(report, WITHDRAW, user, comment, expected_version)


def _reviewed(user, comment: str):
    """The apply hook of a regional-office step: who reviewed the report, when, and why."""
    comment = (comment or "").strip()

    def apply(locked):
        locked.reviewed_at, locked.reviewed_by, locked.review_comment = timezone.now(), user, comment

    return apply


def approve_report(report: AnnualReport, user, *, comment: str = "", expected_version: int | None = None):
    """The regional office approves a submitted report, which locks it."""
    return _perform(report, APPROVE, user, comment, expected_version, apply=_reviewed(user, comment))


def return_report(report: AnnualReport, user, comment: str, *, expected_version: int | None = None):
    """The regional office returns a submitted report to the county with a comment saying what to fix."""
    return _perform(report, RETURN, user, comment, expected_version, apply=_reviewed(user, comment))


def reopen_report(report: AnnualReport, user, reason: str, *, expected_version: int | None = None):
    """The regional office unlocks an approved report (back to draft), giving the reason."""
    return _perform(report, REOPEN, user, reason, expected_version, apply=_reviewed(user, reason))


def take_report_action(report: AnnualReport, user, *, action: str, comment: str = "", expected_version=None):
    """Take one workflow step by its name (``submit``, ``withdraw``, ``approve``, ``return``, ``reopen``) — what pages post."""
    steps = {
        SUBMIT: lambda: submit_report(report, user, expected_version=expected_version, comment=comment),
        WITHDRAW: lambda: withdraw_report(report, user, comment=comment, expected_version=expected_version),
        APPROVE: lambda: approve_report(report, user, comment=comment, expected_version=expected_version),
        RETURN: lambda: return_report(report, user, comment, expected_version=expected_version),
        REOPEN: lambda: reopen_report(report, user, comment, expected_version=expected_version),
    }
    if action not in steps:
        REPORT_WORKFLOW.transition(action)  # raises TransitionNotAllowed for an unknown action
    return steps[action]()


def _versioned(reports) -> list[tuple[AnnualReport, int | None]]:
    """``reports`` as ``(report, version seen)``: a bare report carries no version (no check)."""
    return [item if isinstance(item, tuple) else (item, None) for item in reports]


def _bulk(reports, action: str, user, comment: str):
    require_region(user, REVIEW_REFUSED)
    transition = REPORT_WORKFLOW.transition(action)
    comment = REPORT_WORKFLOW.check_comment(transition, comment)
    done, skipped = REPORT_WORKFLOW.perform_many(
        _versioned(reports), action=action, user=user, comment=comment, apply=_bulk_apply(user, comment)
    )
    return done, skipped


def _bulk_apply(user, comment: str):
    reviewed = _reviewed(user, comment)

    def apply(locked):
        reviewed(locked)
        request_score_recompute([(locked.county_id, locked.year)])

    return apply


def approve_reports(reports, user, *, comment: str = ""):
    """Approve several submitted reports at once; returns ``(approved, [(report, why skipped)])``.

    ``reports`` holds ``(report, version the reviewer saw)`` pairs (a stale version is skipped, never
    approved) or bare reports (no version check, for scripts)."""
    return _bulk(reports, APPROVE, user, comment)


def return_reports(reports, user, comment: str):
    """Return several submitted reports with one comment; returns ``(returned, [(report, why skipped)])``."""
    return _bulk(reports, RETURN, user, comment)
