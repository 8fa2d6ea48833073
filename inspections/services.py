"""Write operations on inspections and findings; the pages, the import and the commands all call these.

* ``create_inspection`` / ``update_inspection`` / ``add_inspection_file``: the regional office only.
* ``create_finding`` / ``update_finding``: the regional office only; a closed finding is locked.
* ``answer_finding`` / ``close_finding`` / ``return_finding``: the workflow table (``inspections.workflow``).
* ``escalate_findings(today=)``: recompute every open finding's colour and notify each change once.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import require_region
from config.errors import Conflict, InvalidInput, Locked
from config.evidence import attach_evidence, check_upload
from counties.models import County
from counties.notifications import county_users, league_users, notify_users, region_users

from .models import (
    Colour,
    Finding,
    FindingCategory,
    FindingStatus,
    Inspection,
    InspectionFile,
    InspectionKind,
    RectificationEvidence,
    Severity,
)
from .workflow import ANSWER, CLOSE, FINDING_WORKFLOW, RETURN, colour_for

INSPECTION_FIELDS = ("kind", "date", "inspectors", "scope", "conclusion")
FINDING_FIELDS = (
    "category",
    "severity",
    "description",
    "requirement",
    "deadline",
    "indicator",
    "indicator_year",
)
FIRST_YEAR = 2000


def _as(user, instance):
    instance._history_user = user if getattr(user, "is_authenticated", False) else None
    return instance


def _text(value) -> str:
    return (value or "").strip()


def validate_inspection(fields: dict) -> None:
    problems = {}
    if fields.get("kind") not in InspectionKind.values:
        problems["kind"] = _("Choose the kind of inspection.")
    date = fields.get("date")
    if not isinstance(date, datetime.date):
        problems["date"] = _("Enter the date of the inspection.")
    elif date.year < FIRST_YEAR or date > timezone.localdate():
        problems["date"] = _("The inspection date must lie between %(first)s and today.") % {
            "first": FIRST_YEAR
        }
    if problems:
        raise InvalidInput(problems=list(problems.values()))


def validate_finding(fields: dict) -> None:
    problems = []
    if fields.get("category") not in FindingCategory.values:
        problems.append(_("Choose the category of the finding."))
    if fields.get("severity") not in Severity.values:
        problems.append(_("Choose the severity of the finding."))
    if not _text(fields.get("description")):
        problems.append(_("Describe the problem."))
    if not isinstance(fields.get("deadline"), datetime.date):
        problems.append(_("Enter the rectification deadline."))
    if problems:
        raise InvalidInput(problems=problems)


@transaction.atomic
def create_inspection(*, user, county: County, fields: dict, files=()) -> Inspection:
    require_region(user)
    fields = {name: fields[name] for name in INSPECTION_FIELDS if name in fields}
    for name in ("inspectors", "scope", "conclusion"):
        fields[name] = _text(fields.get(name))
    validate_inspection(fields)
    inspection = Inspection(county=county, created_by=user, **fields)
    _as(user, inspection).save()
    for uploaded in files:
        add_inspection_file(user=user, inspection=inspection, uploaded=uploaded)
    return inspection


@transaction.atomic
def update_inspection(*, user, inspection: Inspection, fields: dict) -> Inspection:
    require_region(user)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    merged = {name: getattr(inspection, name) for name in INSPECTION_FIELDS}
    merged |= {name: fields[name] for name in INSPECTION_FIELDS if name in fields}
    for name in ("inspectors", "scope", "conclusion"):
        merged[name] = _text(merged.get(name))
    validate_inspection(merged)
    for name, value in merged.items():
        setattr(inspection, name, value)
    _as(user, inspection).save()
    return inspection


@transaction.atomic
def add_inspection_file(*, user, inspection: Inspection, uploaded) -> InspectionFile:
    require_region(user)
    return attach_evidence(model=InspectionFile, user=user, uploaded=uploaded, inspection=inspection)


def finding_url(finding: Finding) -> str:
    return reverse("inspections:finding_detail", kwargs={"pk": finding.pk})


@transaction.atomic
def create_finding(
    *, user, inspection: Inspection, fields: dict, today: datetime.date | None = None, notify: bool = True
) -> Finding:
    """Record a finding of ``inspection``; the county's users are told."""
    require_region(user)
    fields = {name: fields[name] for name in FINDING_FIELDS if name in fields}
    fields.setdefault("severity", Severity.MINOR)
    for name in ("description", "requirement"):
        fields[name] = _text(fields.get(name))
    validate_finding(fields)
    today = today or timezone.localdate()
    finding = Finding(inspection=inspection, created_by=user, **fields)
    finding.colour = colour_for(finding.deadline, today)
    finding.colour_changed_at = timezone.now()
    _as(user, finding).save()
    if notify:
        notify_users(
            county_users(inspection.county_id),
            title=_("New finding to rectify by %(deadline)s") % {"deadline": f"{finding.deadline:%Y-%m-%d}"},
            body=finding.description,
            url=finding_url(finding),
            kind="finding_new",
            key=f"finding:{finding.pk}:new",
        )
    return finding


@transaction.atomic
def update_finding(
    *, user, finding: Finding, fields: dict, expected_version=None, today: datetime.date | None = None
) -> Finding:
    """Change a finding's text, category, severity or deadline (not once closed); the colour follows."""
    require_region(user)
    locked = Finding.objects.select_for_update().select_related("inspection").get(pk=finding.pk)
    if expected_version not in (None, "") and int(expected_version) != locked.version:
        raise Conflict(
            _("The finding was changed by someone else in the meantime; reload the page and try again.")
        )
    if locked.status == FindingStatus.CLOSED:
        raise Locked(_("The finding is closed: it can no longer be changed."))
    merged = {name: getattr(locked, name) for name in FINDING_FIELDS}
    merged |= {name: fields[name] for name in FINDING_FIELDS if name in fields}
    for name in ("description", "requirement"):
        merged[name] = _text(merged.get(name))
    validate_finding(merged)
    for name, value in merged.items():
        setattr(locked, name, value)
    locked.version += 1
    _as(user, locked).save()
    refresh_colour(locked, today or timezone.localdate())
    return locked


# --- the workflow --------------------------------------------------------------------------------------


def answer_finding(*, user, finding: Finding, text: str, files=(), expected_version=None) -> Finding:
    """The county's rectification report: text and evidence files (at least one, new or attached before)."""
    checked = [check_upload(uploaded) for uploaded in files]

    def check(locked):
        if not checked and not locked.evidence.exists():
            raise InvalidInput(_("Attach at least one evidence file of the rectification."))

    def apply(locked):
        locked.rectification = _text(text)

    with transaction.atomic():
        locked = FINDING_WORKFLOW.perform(
            finding,
            action=ANSWER,
            user=user,
            comment=text,
            expected_version=expected_version,
            check=check,
            apply=apply,
        )
        step = locked.transitions.order_by("-pk").first()
        for item in checked:
            attach_evidence(model=RectificationEvidence, user=user, uploaded=item, finding=locked, step=step)
    return locked


def close_finding(*, user, finding: Finding, comment: str = "", expected_version=None) -> Finding:
    def apply(locked):
        locked.closed_at = timezone.now()
        locked.colour = ""
        locked.colour_changed_at = timezone.now()

    return FINDING_WORKFLOW.perform(
        finding, action=CLOSE, user=user, comment=comment, expected_version=expected_version, apply=apply
    )


def return_finding(*, user, finding: Finding, comment: str, expected_version=None) -> Finding:
    return FINDING_WORKFLOW.perform(
        finding, action=RETURN, user=user, comment=comment, expected_version=expected_version
    )


def perform_finding_action(*, user, finding: Finding, action: str, comment: str = "", expected_version=None):
    if action == CLOSE:
        return close_finding(user=user, finding=finding, comment=comment, expected_version=expected_version)
    if action == RETURN:
        return return_finding(user=user, finding=finding, comment=comment, expected_version=expected_version)
    return FINDING_WORKFLOW.perform(
        finding, action=action, user=user, comment=comment, expected_version=expected_version
    )


# --- colours -------------------------------------------------------------------------------------------


COLOUR_ORDER = (Colour.GREEN, Colour.BLUE, Colour.YELLOW, Colour.RED)


@dataclass
class EscalationResult:
    counts: Counter = field(default_factory=Counter)  # colour → open findings of that colour today
    changed: list = field(default_factory=list)  # (finding, old colour, new colour)


def _colour_recipients(finding: Finding, colour: str):
    county = finding.inspection.county
    users = list(county_users(county.pk))
    if colour == Colour.RED:
        users += list(league_users(county.league_id)) + list(region_users())
    return users


def _notify_colour(finding: Finding, old: str, new: str, today: datetime.date) -> None:
    county = finding.inspection.county
    title = _("Finding of %(county)s turned %(colour)s") % {
        "county": county.name,
        "colour": Colour(new).label,
    }
    body = _("%(text)s — deadline %(deadline)s.") % {
        "text": finding.description,
        "deadline": f"{finding.deadline:%Y-%m-%d}",
    }
    notify_users(
        _colour_recipients(finding, new),
        title=title,
        body=body,
        url=finding_url(finding),
        kind=f"finding_{new}",
        key=f"finding:{finding.pk}:colour:{old or 'none'}>{new}:{today:%Y%m%d}",
    )


def refresh_colour(finding: Finding, today: datetime.date) -> str | None:
    """Store the colour of ``finding`` for ``today``; notify when it changed. Returns the new colour if so."""
    new = colour_for(finding.deadline, today, finding.status)
    old = finding.colour
    if new == old:
        return None
    with transaction.atomic():
        # A conditional update: of two runs seeing the same old colour, exactly one changes it (and notifies).
        moved = (
            Finding.objects.filter(pk=finding.pk, colour=old)
            .exclude(status=FindingStatus.CLOSED)
            .update(colour=new, colour_changed_at=timezone.now())
        )
        if not moved:
            return None
        finding.colour = new
        if new:
            _notify_colour(finding, old, new, today)
    return new


def escalate_findings(*, today: datetime.date | None = None) -> EscalationResult:
    """Recompute the colour of every finding not closed, as of ``today``; notify every change once."""
    today = today or timezone.localdate()
    result = EscalationResult()
    findings = Finding.objects.exclude(status=FindingStatus.CLOSED).select_related("inspection__county")
    for finding in findings.iterator(chunk_size=500):
        old = finding.colour
        new = refresh_colour(finding, today)
        result.counts[finding.colour] += 1
        if new is not None:
            result.changed.append((finding, old, new))
    return result
