"""Write operations on training and publicity events; every path of change (forms, imports, admin actions) uses
these functions.

Invariants enforced here, not only in the views:

* only users who may change the county (``counties.scoping.can_change_county``) write its events;
* events of a submitted or approved year are frozen (``indicators.freezing``), for the old and new year: the
  derived values (培训人次, 宣传周活动) the reviewer sees are the ones submitted;
* every create, change or delete requests a score recomputation of the affected (county, year) pairs in the
  same transaction (both years when the date moves across a year boundary);
* evidence files go through ``config.evidence`` (accepted by content within a size cap, stored under a neutral
  name with their SHA-256 hash, removed from storage only when the deletion commits).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.evidence import attach_evidence, delete_evidence_files
from counties.models import County
from counties.scoping import can_change_county
from indicators.freezing import frozen_message, frozen_report
from indicators.services import ReportLocked, request_score_recompute

from .models import (
    AudienceCategory,
    EventAudience,
    EventEvidence,
    EventKind,
    EvidenceKind,
    OrganiserKind,
    TrainingEvent,
)

EVENT_FIELDS = (
    "date",
    "title",
    "kind",
    "organiser_kind",
    "organiser_name",
    "place",
    "publicity_week_override",
    "notes",
)
MAX_HEADCOUNT = 100_000
FIRST_YEAR = 2000


def ensure_can_change(user, county: County | int) -> None:
    if not can_change_county(user, county):
        raise PermissionDenied(_("You may not change the events of this county."))


def ensure_unlocked(county: County, year: int) -> None:
    """Refuse any change to the events of a submitted or approved year, for every role (the regional office
    returns or reopens the report first): the derived values of such a year are frozen."""
    report = frozen_report(county.pk, year)
    if report is not None:
        raise ReportLocked(report, frozen_message(report))


def validate_event(fields: dict, audiences: dict[str, int]) -> None:
    """Check one event's fields and audience headcounts. Raises ``ValidationError`` keyed by field."""
    errors: dict[str, list[str]] = {}
    date_error = _date_error(fields.get("date"))
    if date_error:
        errors.setdefault("date", []).append(date_error)
    if not (fields.get("title") or "").strip():
        errors.setdefault("title", []).append(_("Enter the title of the event."))
    if fields.get("kind") not in EventKind.values:
        errors.setdefault("kind", []).append(_("Choose training or publicity activity."))
    if fields.get("organiser_kind", OrganiserKind.BUREAU) not in OrganiserKind.values:
        errors.setdefault("organiser_kind", []).append(_("Choose the organiser."))
    if (
        fields.get("organiser_kind") == OrganiserKind.AGENCY
        and not (fields.get("organiser_name") or "").strip()
    ):
        errors.setdefault("organiser_name", []).append(_("Enter the name of the service agency."))
    errors.setdefault("__all__", []).extend(_audience_errors(audiences))
    if fields.get("kind") == EventKind.TRAINING and not any((h or 0) > 0 for h in audiences.values()):
        errors.setdefault("__all__", []).append(
            _("A training needs the headcount (人次) of at least one audience category.")
        )
    errors = {name: messages for name, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


def _date_error(date) -> str:
    if not isinstance(date, datetime.date):
        return _("Enter the date of the event.")
    if date > timezone.localdate():
        return _("The date is in the future: record events once they have taken place.")
    if date.year < FIRST_YEAR:
        return _("The date is before %(year)s.") % {"year": FIRST_YEAR}
    return ""


def _audience_errors(audiences: dict[str, int]) -> list[str]:
    errors = []
    for category, headcount in audiences.items():
        if category not in AudienceCategory.values:
            errors.append(_("Unknown audience category “%(c)s”.") % {"c": category})
        elif headcount is None or headcount < 0 or headcount > MAX_HEADCOUNT:
            errors.append(
                _("The headcount of %(category)s must be between 0 and %(max)s.")
                % {"category": AudienceCategory(category).label, "max": MAX_HEADCOUNT}
            )
    return errors


def _clean_fields(fields: dict) -> dict:
    cleaned = {name: fields[name] for name in EVENT_FIELDS if name in fields}
    for name in ("title", "organiser_name", "place", "notes"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if cleaned.get("organiser_kind") == OrganiserKind.BUREAU:
        cleaned["organiser_name"] = ""
    return cleaned


def _as(user, instance):
    """Record ``user`` as the author of ``instance``'s next history entry (also outside a request)."""
    instance._history_user = user if getattr(user, "is_authenticated", False) else None
    return instance


def _set_audiences(user, event: TrainingEvent, audiences: dict[str, int]) -> None:
    """Replace the audience rows with ``audiences`` (categories with headcount 0 are dropped)."""
    wanted = {c: int(h) for c, h in audiences.items() if h}
    existing = {a.category: a for a in event.audiences.all()}
    for category, audience in existing.items():
        if category not in wanted:
            _as(user, audience).delete()
        elif audience.headcount != wanted[category]:
            audience.headcount = wanted[category]
            _as(user, audience).save()
    for category, headcount in wanted.items():
        if category not in existing:
            _as(user, EventAudience(event=event, category=category, headcount=headcount)).save()


@transaction.atomic
def create_event(
    user, county: County, fields: dict, audiences: dict[str, int], *, recompute: bool = True
) -> TrainingEvent:
    """Record a new event of ``county``; ``audiences`` maps category → headcount.

    ``recompute=False`` is for callers (the Excel import) that request one recomputation for all their rows.
    """
    ensure_can_change(user, county)
    fields = _clean_fields(fields)
    fields.setdefault("organiser_kind", OrganiserKind.BUREAU)
    validate_event(fields, audiences)
    ensure_unlocked(county, fields["date"].year)
    event = TrainingEvent(county=county, created_by=user if user.is_authenticated else None, **fields)
    _as(user, event).save()
    _set_audiences(user, event, audiences)
    if recompute:
        request_score_recompute([(county.pk, event.year)])
    return event


@transaction.atomic
def update_event(
    user,
    event: TrainingEvent,
    fields: dict,
    audiences: dict[str, int] | None = None,
    *,
    recompute: bool = True,
) -> TrainingEvent:
    """Change an event; a date moved to another year recomputes both years (and both must be unlocked)."""
    event = TrainingEvent.objects.select_for_update().select_related("county").get(pk=event.pk)
    ensure_can_change(user, event.county)
    ensure_unlocked(event.county, event.year)
    old_year = event.year
    fields = _clean_fields(fields)
    merged = {name: getattr(event, name) for name in EVENT_FIELDS} | fields
    if audiences is None:
        audiences = {a.category: a.headcount for a in event.audiences.all()}
    validate_event(merged, audiences)
    ensure_unlocked(event.county, merged["date"].year)
    for name, value in fields.items():
        setattr(event, name, value)
    if event.organiser_kind == OrganiserKind.BUREAU:
        event.organiser_name = ""
    _as(user, event).save()
    _set_audiences(user, event, audiences)
    if recompute:
        request_score_recompute({(event.county_id, old_year), (event.county_id, event.year)})
    return event


@transaction.atomic
def delete_event(user, event: TrainingEvent) -> None:
    event = TrainingEvent.objects.select_for_update().select_related("county").get(pk=event.pk)
    ensure_can_change(user, event.county)
    ensure_unlocked(event.county, event.year)
    pair = (event.county_id, event.year)
    files = [e.file.name for e in event.evidence.all()]
    _as(user, event).delete()
    request_score_recompute([pair])
    delete_evidence_files(files, EventEvidence._meta.get_field("file").storage)


@transaction.atomic
def add_evidence(user, event: TrainingEvent, uploaded, kind: str = EvidenceKind.SIGN_IN) -> EventEvidence:
    """Attach a checked evidence file to ``event`` (locked years refuse it too); the file is checked, hashed and
    stored by ``config.evidence`` (``EvidenceRefused`` says why a file is not accepted)."""
    event = TrainingEvent.objects.select_related("county").get(pk=event.pk)
    ensure_can_change(user, event.county)
    ensure_unlocked(event.county, event.year)
    if kind not in EvidenceKind.values:
        raise ValidationError(_("Choose the kind of evidence."))
    return attach_evidence(model=EventEvidence, user=user, uploaded=uploaded, event=event, kind=kind)


@transaction.atomic
def delete_evidence(user, evidence: EventEvidence) -> None:
    event = evidence.event
    ensure_can_change(user, event.county)
    ensure_unlocked(event.county, event.year)
    name = evidence.file.name
    storage = evidence.file.storage
    _as(user, evidence).delete()
    delete_evidence_files([name], storage)
