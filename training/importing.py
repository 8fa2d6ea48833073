"""Excel import of events and of an event's attendee list, written on the kernel's pipeline (``config.excel``).

Each import declares its columns (code, Chinese label, aliases, parser) and writes only its row checks
(``plan``) and its write step (``apply``); reading, limits, header detection (the codes row, or a row of
Chinese headings), blank rows, problems and the all-or-nothing transaction are the kernel's. Values are read
with ``config.parsing`` (the same strict rules as the forms). A landed import is recorded as an
``ImportBatch(app="training", kind="events" | "attendees")``.

Event rows are matched on (county, date, title): importing the same file twice changes nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from config.excel import Column, Importer, ImportResult, Schema, run_import
from config.excel.reader import Sheet, SheetRow
from config.parsing import (
    ValueParseError,
    choice_key,
    is_blank,
    parse_boolean,
    parse_choice,
    parse_date,
    parse_number,
    parse_text,
)
from counties.scoping import changeable_counties
from indicators.services import ReportLocked, is_year_locked, request_score_recompute

from . import services
from .models import Attendee, AudienceCategory, EventKind, OrganiserKind, TrainingEvent

MAX_ROWS = 5000
APP_LABEL = "training"

# (code, Chinese label) of the event template's columns, in order.
EVENT_COLUMNS = [
    ("county_code", gettext_lazy("County code")),
    ("date", gettext_lazy("Date")),
    ("title", gettext_lazy("Title")),
    ("kind", gettext_lazy("Kind (training / publicity)")),
    ("organiser", gettext_lazy("Organiser (empty: county IP office)")),
    ("place", gettext_lazy("Place")),
    ("publicity_week", gettext_lazy("4·26 week (yes / no, empty: by date)")),
    ("management", gettext_lazy("Administrative staff (persons)")),
    ("service", gettext_lazy("Service agency staff (persons)")),
    ("enterprise", gettext_lazy("Enterprise and institution staff (persons)")),
    ("notes", gettext_lazy("Notes")),
]
ATTENDEE_COLUMNS = [
    ("name", gettext_lazy("Attendee name")),
    ("employer", gettext_lazy("Employer")),
    ("category", gettext_lazy("Audience category")),
]
# Chinese headings accepted whatever the UI language (hand-made sheets).
HEADER_ALIASES = {
    "county_code": {"县代码", "旗县代码", "行政区划代码"},
    "date": {"日期", "活动日期"},
    "title": {"名称", "活动名称", "培训名称"},
    "kind": {"类型", "活动类型"},
    "organiser": {"主办单位", "承办单位"},
    "place": {"地点"},
    "publicity_week": {"4·26宣传周", "宣传周"},
    "management": {"管理人员"},
    "service": {"服务机构人员"},
    "enterprise": {"企事业单位人员"},
    "notes": {"备注"},
    "name": {"姓名"},
    "employer": {"工作单位", "单位"},
    "category": {"人员类别", "类别"},
}
KIND_WORDS = {
    EventKind.TRAINING: {"training", "培训", "教育培训", "培训班"},
    EventKind.PUBLICITY: {"publicity", "宣传", "宣传活动", "宣传培训活动"},
}
CATEGORY_WORDS = {
    AudienceCategory.MANAGEMENT: {"management", "管理人员", "管理", "管理类"},
    AudienceCategory.SERVICE: {"service", "服务机构人员", "服务机构", "服务"},
    AudienceCategory.ENTERPRISE: {"enterprise", "企事业单位人员", "企事业单位", "企事业", "企业"},
}


def _headcount(raw):
    number = parse_number(raw, whole=True)
    if number is not None and number > services.MAX_HEADCOUNT:
        raise ValueParseError(_("Implausibly large: at most %(max)s.") % {"max": services.MAX_HEADCOUNT})
    return int(number) if number is not None else None


def _text(max_length: int, *, multiline: bool = False):
    return lambda raw: parse_text(raw, multiline=multiline, max_length=max_length)


EVENT_PARSERS = {
    "county_code": lambda raw: choice_key(int(raw) if isinstance(raw, float) and raw.is_integer() else raw),
    "date": parse_date,
    "title": _text(200),
    "kind": lambda raw: parse_choice(raw, KIND_WORDS, _("kind")),
    "organiser": _text(200),
    "place": _text(200),
    "publicity_week": parse_boolean,
    "management": _headcount,
    "service": _headcount,
    "enterprise": _headcount,
    "notes": _text(2000, multiline=True),
}
EVENT_REQUIRED = {"county_code", "date", "title", "kind"}
ATTENDEE_PARSERS = {
    "name": _text(100),
    "employer": _text(200),
    "category": lambda raw: parse_choice(raw, CATEGORY_WORDS, _("audience category")),
}


def _schema(columns, parsers, required) -> Schema:
    return Schema(
        [
            Column(code, label, frozenset(HEADER_ALIASES.get(code, ())), parsers.get(code), code in required)
            for code, label in columns
        ],
        max_data_rows=MAX_ROWS,
    )


def _key(raw) -> str:
    return choice_key(raw)


# -- events ---------------------------------------------------------------------------------------------


@dataclass
class EventPlan:
    """What landing the file does: new events, changed events (with the event), unchanged ones."""

    create: list[tuple] = field(default_factory=list)
    update: list[tuple] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)  # one line per checked row (``preview_rows``)


@dataclass
class _EventChecks:
    counties: dict
    locked: dict[tuple[int, int], bool] = field(default_factory=dict)
    seen: dict[tuple, int] = field(default_factory=dict)

    def is_locked(self, county_id: int, year: int) -> bool:
        if (county_id, year) not in self.locked:
            self.locked[(county_id, year)] = is_year_locked(county_id, year)
        return self.locked[(county_id, year)]


def _event_fields(row: SheetRow, checks: _EventChecks):
    """Parse one row; problems are recorded on the row. Returns ``(county, fields, audiences)``."""
    county = checks.counties.get(row.parse("county_code"))
    if county is None and not is_blank(row.raw("county_code")):
        row.problem("county_code", _("Unknown county code, or a county you may not change."))
    organiser = row.parse("organiser") or ""
    week = row.parse("publicity_week")
    fields = {
        "date": row.parse("date"),
        "kind": row.parse("kind"),
        "title": row.parse("title") or "",
        "organiser_kind": OrganiserKind.AGENCY if organiser else OrganiserKind.BUREAU,
        "organiser_name": organiser,
        "place": row.parse("place") or "",
        "notes": row.parse("notes") or "",
        "publicity_week_override": None if week is None else bool(week),
    }
    audiences = {}
    for category in AudienceCategory.values:
        number = row.parse(category)
        if number:
            audiences[category] = number
    return county, fields, audiences


def _check_event(row: SheetRow, checks: _EventChecks):
    county, fields, audiences = _event_fields(row, checks)
    if row.problems or county is None:
        return None
    try:
        services.validate_event(fields, audiences)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = name if name in row.letters else ("management" if name == "__all__" else "title")
            for message in messages:
                row.problem(column, message)
        return None
    if checks.is_locked(county.pk, fields["date"].year):
        row.problem("date", _("The %(year)s report is approved and locked.") % {"year": fields["date"].year})
        return None
    key = (county.pk, fields["date"], fields["title"])
    if key in checks.seen:
        row.problem(
            "title",
            _("The same event (county, date, title) is already in row %(row)s.") % {"row": checks.seen[key]},
        )
        return None
    checks.seen[key] = row.number
    return county, fields, audiences


class EventImporter(Importer):
    app_label, kind = APP_LABEL, "events"
    refusals = (ReportLocked, PermissionDenied, ValidationError)

    preview_headers = (
        gettext_lazy("County"),
        gettext_lazy("Date"),
        gettext_lazy("Kind"),
        gettext_lazy("Title"),
        gettext_lazy("Headcount"),
    )

    def preview_rows(self, plan: EventPlan, result: ImportResult) -> list[dict]:
        return sorted(plan.preview, key=lambda line: line["row"])

    def schema(self) -> Schema:
        return _schema(EVENT_COLUMNS, EVENT_PARSERS, EVENT_REQUIRED)

    def plan(self, sheet: Sheet, result: ImportResult, *, lock: bool) -> EventPlan:
        checks = _EventChecks(counties={c.code: c for c in changeable_counties(self.user)})
        parsed = []
        for row in sheet.rows:
            checked = _check_event(row, checks)
            result.problems.extend(row.problems)
            if checked is not None:
                parsed.append((*checked, row.number))
        result.rows = len(sheet.rows)
        plan = _match_events(parsed, lock=lock)
        result.created, result.changed = len(plan.create), len(plan.update)
        result.unchanged = len(parsed) - result.created - result.changed
        return plan

    def apply(self, plan: EventPlan, result: ImportResult) -> None:
        pairs = set()
        for county, fields, audiences in plan.create:
            services.create_event(self.user, county, fields, audiences, recompute=False)
            pairs.add((county.pk, fields["date"].year))
        for event, fields, audiences in plan.update:
            pairs.update({(event.county_id, event.year), (event.county_id, fields["date"].year)})
            services.update_event(self.user, event, fields, audiences, recompute=False)
        # One recomputation for the whole file (calls in nested savepoints would not coalesce).
        request_score_recompute(sorted(pairs))


def _match_events(parsed, *, lock: bool) -> EventPlan:
    plan = EventPlan()
    if not parsed:
        return plan
    events = TrainingEvent.objects.filter(
        county__in={c for c, _f, _a, _r in parsed}, date__in={f["date"] for _c, f, _a, _r in parsed}
    ).prefetch_related("audiences")
    if lock:
        events = events.select_for_update(of=("self",))
    existing = {(e.county_id, e.date, e.title): e for e in events}
    for county, fields, audiences, row in parsed:
        event = existing.get((county.pk, fields["date"], fields["title"]))
        if event is None:
            plan.create.append((county, fields, audiences))
            action = "created"
        elif {name: getattr(event, name) for name in fields} != fields or {
            a.category: a.headcount for a in event.audiences.all()
        } != audiences:
            plan.update.append((event, fields, audiences))
            action = "changed"
        else:
            action = "unchanged"
        plan.preview.append(
            {
                "row": row,
                "action": action,
                "cells": [
                    county.name,
                    fields["date"].isoformat(),
                    str(EventKind(fields["kind"]).label),
                    fields["title"],
                    sum(audiences.values()),
                ],
            }
        )
    return plan


def import_events(user, uploaded, *, file_name: str = "", dry_run: bool = False) -> ImportResult:
    """Import events from the template; all or nothing. ``dry_run`` checks and counts without saving."""
    return run_import(EventImporter(user), uploaded, file_name=file_name, dry_run=dry_run)


# -- attendee lists -------------------------------------------------------------------------------------


class AttendeeImporter(Importer):
    """Replace an event's attendee list; the unique attendees per category become its headcounts.

    The same person (name and employer, ignoring spaces and case) listed twice is flagged and counted once.
    """

    app_label, kind = APP_LABEL, "attendees"
    refusals = (ReportLocked, PermissionDenied, ValidationError)

    def __init__(self, user, event: TrainingEvent):
        super().__init__(user)
        self.event = event

    preview_headers = (
        gettext_lazy("Attendee name"),
        gettext_lazy("Employer"),
        gettext_lazy("Audience category"),
        gettext_lazy("Listed twice"),
    )

    def preview_rows(self, plan: list[Attendee], result: ImportResult) -> list[dict]:
        return [
            {
                "row": attendee.row,
                "action": "created",
                "cells": [
                    attendee.name,
                    attendee.employer,
                    str(AudienceCategory(attendee.category).label) if attendee.category else "",
                    _("same as row %(row)s, counted once") % {"row": attendee.duplicate_of_row}
                    if attendee.duplicate_of_row is not None
                    else "",
                ],
            }
            for attendee in plan
        ]

    def preview_note(self, plan: list[Attendee], result: ImportResult) -> str:
        return _(
            "Confirming replaces the %(count)s attendees listed now for this event, and its headcounts by the "
            "unique attendees of the file."
        ) % {"count": self.event.attendees.count()}

    def schema(self) -> Schema:
        return _schema(ATTENDEE_COLUMNS, ATTENDEE_PARSERS, {"name"})

    def plan(self, sheet: Sheet, result: ImportResult, *, lock: bool) -> list[Attendee]:
        known = list(self.event.audiences.values_list("category", flat=True))
        default_category = known[0] if len(known) == 1 else None
        attendees: list[Attendee] = []
        first_row: dict[tuple[str, str], int] = {}
        for row in sheet.rows:
            attendee = self._attendee(row, default_category)
            result.problems.extend(row.problems)
            if attendee is None:
                continue
            person = (_key(attendee.name), _key(attendee.employer))
            attendee.duplicate_of_row = first_row.get(person)
            first_row.setdefault(person, row.number)
            attendees.append(attendee)
        if not attendees and result.ok:
            result.refuse(_("The file lists no attendees."))
        result.rows = len(sheet.rows)
        result.counts["duplicates"] = sum(1 for a in attendees if a.duplicate_of_row is not None)
        result.created = len(attendees)
        return attendees

    def _attendee(self, row: SheetRow, default_category) -> Attendee | None:
        name, employer = row.parse("name"), row.parse("employer") or ""
        category = row.parse("category")
        if category is None and is_blank(row.raw("category")):
            category = default_category
            if category is None:
                row.problem("category", _("Enter the audience category (the event has several or none)."))
        if row.problems or not name:
            return None
        return Attendee(event=self.event, row=row.number, name=name, employer=employer, category=category)

    def has_changes(self, plan: list[Attendee], result: ImportResult) -> bool:
        return bool(plan)

    def batch_counts(self, result: ImportResult) -> dict[str, int]:
        return {"values_created": result.created - result.counts.get("duplicates", 0)}

    def apply(self, plan: list[Attendee], result: ImportResult) -> None:
        counts: dict[str, int] = {}
        for attendee in plan:
            if not attendee.is_duplicate:
                counts[attendee.category] = counts.get(attendee.category, 0) + 1
        services.update_event(self.user, self.event, {}, counts)
        self.event.attendees.all().delete()
        Attendee.objects.bulk_create(plan)


def import_attendees(
    user, event: TrainingEvent, uploaded, *, file_name: str = "", dry_run: bool = False
) -> ImportResult:
    """Replace ``event``'s attendee list from ``uploaded``; all or nothing."""
    return run_import(AttendeeImporter(user, event), uploaded, file_name=file_name, dry_run=dry_run)


# -- templates ------------------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    return get_column_letter(index + 1)


def _template(columns, title: str, notes: list[str]) -> bytes:

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([str(label) for _code, label in columns])
    sheet.append([code for code, _label in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[2]:
        cell.font = Font(color="808080")
    for index in range(len(columns)):
        sheet.column_dimensions[_column_letter(index)].width = 18
    sheet.freeze_panes = "A3"
    help_sheet = workbook.create_sheet(_("Instructions"))
    for line in notes:
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def events_template() -> bytes:
    """The event import template: a row of Chinese labels, the codes row, then one row per event."""
    return _template(
        EVENT_COLUMNS,
        _("Events"),
        [
            _("Fill one row per event below the codes row; do not change the codes row."),
            _("Kind: 培训 (training) or 宣传活动 (publicity activity)."),
            _(
                "Date: for example 2024-04-26. Dates from 20 to 30 April count as the 4·26 publicity week unless "
                "the 4·26 column says 否."
            ),
            _("Headcounts are persons (人次) per audience category; a training needs at least one."),
            _(
                "An event with the same county, date and title as a recorded one updates it; importing the same "
                "file twice changes nothing."
            ),
            _("One wrong cell refuses the whole file; every problem is listed with its row and column."),
        ],
    )


def attendees_template() -> bytes:
    return _template(
        ATTENDEE_COLUMNS,
        _("Attendees"),
        [
            _(
                "One row per attendee: name, employer and audience category "
                "(管理人员 / 服务机构人员 / 企事业单位人员)."
            ),
            _("The category may be left empty when the event has a single audience category."),
            _("The same person (same name and employer) listed twice is flagged and counted once."),
            _("The import replaces the event's attendee list and sets its headcounts."),
        ],
    )
