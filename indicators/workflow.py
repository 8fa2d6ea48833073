"""The annual report's review workflow as a table (SPEC §6), applied by ``config.workflow``.

draft → submitted (county staff of the county, or the regional office on its behalf) → withdrawn back to draft
by the county while the regional office has not started reviewing it (changed none of its values), or → approved (the regional
office; the report is then locked) or returned with a comment (→ draft again when the county changes its data);
an approved report is reopened to draft by the regional office, giving the reason.

Services (``indicators.services.workflow``) perform these steps; views and templates render exactly
``REPORT_WORKFLOW.available_actions(report, user)``. Every step is stored as a ``ReportTransition`` and sent as
``config.workflow.transitioned`` with sender ``"annual_report"`` once committed.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.access import COUNTY_STAFF, REGION_STAFF
from config.workflow import Transition, Workflow
from counties.scoping import can_change_county

from .errors import ReportConflict
from .models import AnnualReport, DataValue, ReportStatus, ReportTransition

WORKFLOW_NAME = "annual_report"

SUBMIT, WITHDRAW, APPROVE, RETURN, REOPEN = "submit", "withdraw", "approve", "return", "reopen"


def record_step(
    report: AnnualReport, from_status: str, to_status: str, user, comment: str
) -> ReportTransition:
    """Store one step of a report's workflow (who, when, from, to, comment)."""
    return ReportTransition.objects.create(
        report=report, from_status=from_status, to_status=to_status, actor=user, comment=comment
    )


def _record(report, transition, from_state, user, comment) -> None:
    record_step(report, from_state, transition.target, user, comment)


def _may_change_county(report, user) -> bool:
    return can_change_county(user, report.county_id)


def review_started(report: AnnualReport) -> bool:
    """Whether the regional office has begun reviewing the current submission: it changed a value of the
    report after the report was submitted (approving or returning ends the submission altogether)."""
    if report.status != ReportStatus.SUBMITTED:
        return False
    submitted = (
        ReportTransition.objects.filter(report_id=report.pk, to_status=ReportStatus.SUBMITTED)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    if submitted is None:
        return False
    return DataValue.history.filter(
        report_id=report.pk, history_date__gt=submitted, history_user__role=REGION_STAFF
    ).exists()


def _may_withdraw(report, user) -> bool:
    return can_change_county(user, report.county_id) and not review_started(report)


def describe(report: AnnualReport) -> str:
    return gettext("The %(year)s report of %(county)s") % {"year": report.year, "county": report.county.name}


REVIEW_REFUSED = _("Only the regional office may review reports.")

TRANSITIONS = (
    Transition(
        SUBMIT,
        _("Submit"),
        (ReportStatus.DRAFT, ReportStatus.RETURNED),
        ReportStatus.SUBMITTED,
        (COUNTY_STAFF, REGION_STAFF),
        allowed=_may_change_county,
        refused=_("You may not submit this report."),
        style="success",
        icon="bi-send",
        confirm=_("Submit this report to the regional office for review?"),
    ),
    Transition(
        WITHDRAW,
        _("Withdraw"),
        (ReportStatus.SUBMITTED,),
        ReportStatus.DRAFT,
        (COUNTY_STAFF, REGION_STAFF),
        allowed=_may_withdraw,
        refused=_(
            "This submission can no longer be withdrawn: the regional office has started reviewing it."
        ),
        style="outline-secondary",
        icon="bi-arrow-counterclockwise",
        confirm=_("Withdraw this submission? The report goes back to draft and must be submitted again."),
    ),
    Transition(
        APPROVE,
        _("Approve"),
        (ReportStatus.SUBMITTED,),
        ReportStatus.APPROVED,
        (REGION_STAFF,),
        refused=REVIEW_REFUSED,
        style="success",
        icon="bi-check-lg",
        comment_label=_("Comment (optional)"),
        confirm=_("Approve this report? It will be locked."),
    ),
    Transition(
        RETURN,
        _("Return"),
        (ReportStatus.SUBMITTED,),
        ReportStatus.RETURNED,
        (REGION_STAFF,),
        comment_required=True,
        comment_missing=_("Say why the report is returned: the county needs to know what to fix."),
        refused=REVIEW_REFUSED,
        style="outline-danger",
        icon="bi-arrow-return-left",
        comment_label=_("What the county must fix"),
        confirm=_("Return this report to the county?"),
    ),
    Transition(
        REOPEN,
        _("Reopen"),
        (ReportStatus.APPROVED,),
        ReportStatus.DRAFT,
        (REGION_STAFF,),
        comment_required=True,
        comment_missing=_("Give the reason for reopening an approved report."),
        refused=REVIEW_REFUSED,
        style="outline-warning",
        icon="bi-unlock",
        comment_label=_("Reason for reopening"),
        confirm=_("Reopen this approved report so that it can be changed again?"),
    ),
)

REPORT_WORKFLOW = Workflow(
    name=WORKFLOW_NAME,
    model=AnnualReport,
    transitions=TRANSITIONS,
    record=_record,
    describe=describe,
    conflict=ReportConflict,
)
