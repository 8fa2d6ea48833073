"""待办 items of the inspections app (``config.inbox``): findings by colour, rectifications to verify."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from config.access import COUNTY_STAFF, REGION_STAFF, role_of
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


def inbox_items(user) -> list[InboxItem]:
    role = role_of(user)
    if not role:
        return []
    findings = finding_list(user)
    items = []
    to_rectify = (
        findings.filter(status=FindingStatus.OPEN)
        if role == COUNTY_STAFF
        else findings.exclude(status=FindingStatus.CLOSED)
    )
    counts = dict(to_rectify.values_list("colour").annotate(n=Count("pk")).values_list("colour", "n"))
    labels = _colour_labels()
    shown = (
        (Colour.RED, Colour.YELLOW, Colour.BLUE, Colour.GREEN)
        if role == COUNTY_STAFF
        else (Colour.RED, Colour.YELLOW)
    )
    for colour in shown:
        if counts.get(colour):
            params = {"colour": colour.value}
            params["status"] = FindingStatus.OPEN if role == COUNTY_STAFF else "not_closed"
            items.append(
                InboxItem(
                    label=labels[colour],
                    url=_url(**params),
                    count=counts[colour],
                    level=LEVELS[colour],
                    priority=PRIORITIES[colour],
                )
            )
    answered = findings.filter(status=FindingStatus.ANSWERED).count()
    if answered and role == REGION_STAFF:
        items.append(
            InboxItem(
                label=_("Rectifications waiting for verification"),
                url=_url(status=FindingStatus.ANSWERED),
                count=answered,
                level="warning",
                priority=15,
            )
        )
    elif answered and role == COUNTY_STAFF:
        items.append(
            InboxItem(
                label=_("Rectifications submitted, waiting for the regional office"),
                url=_url(status=FindingStatus.ANSWERED),
                count=answered,
                level="secondary",
                priority=70,
            )
        )
    return items
