"""The finding workflow as a table on the kernel's state machine (``config.workflow``), and the colours.

| action | from | to | who | comment |
|---|---|---|---|---|
| answer (提交整改) | 待整改 | 已提交整改 | county staff of the finding's county | the rectification report (required) |
| close (销号) | 已提交整改 | 已销号 | region staff | optional |
| return (退回) | 已提交整改 | 待整改 | region staff | required: why |

Colours (三色预警, SPEC §8) by the number of days to the deadline: more than 7 → 绿 green; 0–7 (the deadline day
included) → 蓝 blue; overdue 1–30 days → 黄 yellow; overdue more than 30 days → 红 red. A closed finding has no
colour.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from config.access import COUNTY_STAFF, REGION_STAFF
from config.workflow import Transition, Workflow

from .models import Colour, Finding, FindingStatus, FindingTransition

DUE_SOON_DAYS = 7
RED_AFTER_DAYS = 30


def colour_for(deadline: datetime.date, today: datetime.date, status: str = FindingStatus.OPEN) -> str:
    if status == FindingStatus.CLOSED:
        return ""
    days_left = (deadline - today).days
    if days_left > DUE_SOON_DAYS:
        return Colour.GREEN
    if days_left >= 0:
        return Colour.BLUE
    if -days_left <= RED_AFTER_DAYS:
        return Colour.YELLOW
    return Colour.RED


def days_overdue(finding: Finding, today: datetime.date) -> int:
    """Days past the deadline: up to today while not closed, up to the closing day once closed."""
    end = finding.closed_at.date() if finding.closed_at else today
    return max(0, (end - finding.deadline).days)


def _own_county(finding: Finding, user) -> bool:
    return user.county_id is not None and user.county_id == finding.inspection.county_id


def _record(finding, transition, from_state, user, comment):
    FindingTransition.objects.create(
        finding=finding,
        action=transition.action,
        from_status=from_state,
        to_status=transition.target,
        actor=user if getattr(user, "is_authenticated", False) else None,
        comment=comment,
    )


ANSWER, CLOSE, RETURN = "answer", "close", "return"

FINDING_WORKFLOW = Workflow(
    name="finding",
    model=Finding,
    record=_record,
    describe=lambda finding: str(_("The finding “%(text)s”") % {"text": finding.description[:30]}),
    transitions=[
        Transition(
            ANSWER,
            _("Submit rectification"),
            (FindingStatus.OPEN,),
            FindingStatus.ANSWERED,
            (COUNTY_STAFF,),
            comment_required=True,
            comment_missing=_("Describe the rectification."),
            allowed=_own_county,
        ),
        Transition(
            CLOSE, _("Verify and close"), (FindingStatus.ANSWERED,), FindingStatus.CLOSED, (REGION_STAFF,)
        ),
        Transition(
            RETURN,
            _("Return for rectification"),
            (FindingStatus.ANSWERED,),
            FindingStatus.OPEN,
            (REGION_STAFF,),
            comment_required=True,
            comment_missing=_("Say why the rectification is returned."),
            style="danger",
        ),
    ],
)
