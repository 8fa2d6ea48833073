"""待办 items of the inspections app (``config.inbox``): findings by colour, rectifications to verify."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from config.access import AUDITOR, COUNTY_STAFF, LEAGUE_STAFF, REGION_STAFF, role_of
from config.inbox import InboxItem

from .models import Colour, FindingStatus
from .selectors import finding_list

LEVELS = {Colour.RED: "danger", Colour.YELLOW: "warning", Colour.BLUE: "info", Colour.GREEN: "secondary"}
PRIORITIES = {Colour.RED: 10, Colour.YELLOW: 20, Colour.BLUE: 30, Colour.GREEN: 60}


def _url(**params) -> str:
    return f"{reverse('inspections:finding_list')}?{urlencode(params)}"


def _colour_labels() -> dict:
    return {
        Colour.RED: _("Findings overdue by more than 30 days (red)"),
        Colour.YELLOW: _("Overdue findings (yellow)"),
        Colour.BLUE: _("Findings due within 7 days (blue)"),
        Colour.GREEN: _("Findings to rectify (green)"),
    }


@dataclass(frozen=True)
class _RoleInbox:
    """What one role's inbox shows of the findings: which colours (counted over findings in ``status``, the
    finding list's filter) and, when set, an item for the answered ones (label, level, priority)."""

    status: str
    colours: tuple
    answered: tuple | None = None


def _role_inboxes() -> dict[str, _RoleInbox]:
    watching = _RoleInbox(status="not_closed", colours=(Colour.RED, Colour.YELLOW))
    return {
        COUNTY_STAFF: _RoleInbox(
            status=FindingStatus.OPEN,
            colours=(Colour.RED, Colour.YELLOW, Colour.BLUE, Colour.GREEN),
            answered=(_("Rectifications submitted, waiting for the regional office"), "secondary", 70),
        ),
        REGION_STAFF: _RoleInbox(
            status="not_closed",
            colours=(Colour.RED, Colour.YELLOW),
            answered=(_("Rectifications waiting for verification"), "warning", 15),
        ),
        LEAGUE_STAFF: watching,
        AUDITOR: watching,
    }


def inbox_items(user) -> list[InboxItem]:
    inbox = _role_inboxes().get(role_of(user))
    if inbox is None:
        return []
    findings = finding_list(user)
    counted = (
        findings.filter(status=inbox.status)
        if inbox.status != "not_closed"
        else findings.exclude(status=FindingStatus.CLOSED)
    )
    counts = dict(counted.values_list("colour").annotate(n=Count("pk")).values_list("colour", "n"))
    labels = _colour_labels()
    items = [
        InboxItem(
            label=labels[colour],
            url=_url(colour=colour.value, status=inbox.status),
            count=counts[colour],
            level=LEVELS[colour],
            priority=PRIORITIES[colour],
        )
        for colour in inbox.colours
        if counts.get(colour)
    ]
    if inbox.answered:
        answered = findings.filter(status=FindingStatus.ANSWERED).count()
        if answered:
            label, level, priority = inbox.answered
            items.append(
                InboxItem(
                    label=label,
                    url=_url(status=FindingStatus.ANSWERED),
                    count=answered,
                    level=level,
                    priority=priority,
                )
            )
    return items
