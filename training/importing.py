"""Excel import of events and of an event's attendee list: all or nothing, every problem reported.

Both imports read the first sheet and find the header row themselves (the first row whose first cell is the
first column's code or Chinese label), skip empty rows, parse counts with ``indicators.parsing.parse_number``
and refuse the whole file on any problem, listing each as row, column, value and reason. A landed import is
recorded as an ``ImportBatch(kind="training")``.

Event rows are matched on (county, date, title): importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.spreadsheets import SpreadsheetError, open_uploaded_workbook, read_upload, sha256_hex
from counties.scoping import changeable_counties
from indicators.models import ImportBatch
from indicators.parsing import ValueParseError, is_blank, parse_boolean, parse_number
from indicators.services import ReportLocked, is_year_locked, request_score_recompute

from . import services
from .models import Attendee, AudienceCategory, EventKind, OrganiserKind, TrainingEvent

MAX_ROWS = 5000

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
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFKC", str(raw)).strip()


def _key(raw) -> str:
    return re.sub(r"\s", "", _text(raw)).lower()


def parse_date(raw) -> datetime.date:
    """A date from an Excel date cell, an Excel serial number or text like 2024-04-26 / 2024年4月26日."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 20000 <= raw <= 80000:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(raw))
    match = _DATE_TEXT.match(_key(raw))
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueParseError(_("“%(value)s” is not a date: write it as 2024-04-26.") % {"value": raw})


def parse_choice(raw, words: dict, what: str):
    key = _key(raw)
    for value, accepted in words.items():
        if key in accepted:
            return value
    choices = "、".join(sorted(w for accepted in words.values() for w in accepted if not w.isascii()))
    raise ValueParseError(
        _("“%(value)s” is not a valid %(what)s; use one of: %(choices)s.")
        % {"value": raw, "what": what, "choices": choices}
    )


def _find_header(rows: list[tuple], columns) -> tuple[int, dict[str, int]] | None:
    """Index of the header row and a map code → column index.

    The header is the first row whose first cell is the first column's code; failing that, its Chinese label
    (so both the template's codes row and a hand-made sheet with Chinese headings work).
    """
    first_code, first_label = columns[0]
    names = {}
    for code, label in columns:
        for alias in {code, str(label), *HEADER_ALIASES.get(code, ())}:
            names[_key(alias)] = code
    first_names = {_key(str(first_label)), *(_key(a) for a in HEADER_ALIASES.get(first_code, ()))}
    for wanted in ({_key(first_code)}, first_names):
        for index, row in enumerate(rows):
            if row and _key(row[0]) in wanted:
                mapping = {}
                for col, cell in enumerate(row):
                    code = names.get(_key(cell))
                    if code and code not in mapping:
                        mapping[code] = col
                return index, mapping
    return None


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _read_rows(data: bytes) -> list[tuple]:
    workbook = open_uploaded_workbook(data)
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(tuple(row))
            if len(rows) > MAX_ROWS + 10:
                raise SpreadsheetError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
        return rows
    finally:
        workbook.close()


class _Rows:
    """Helper giving cell values and recording problems with row number and column letter + label."""

    def __init__(self, rows, header_index, mapping, columns, result):
        self.rows, self.header_index, self.mapping, self.result = rows, header_index, mapping, result
        self.labels = {code: str(label) for code, label in columns}

    def data_rows(self):
        for offset, row in enumerate(self.rows[self.header_index + 1 :], start=self.header_index + 2):
            values = {code: (row[col] if col < len(row) else None) for code, col in self.mapping.items()}
            if all(is_blank(v) for v in values.values()):
                continue
            yield offset, values

    def problem(self, row: int, code: str, value, reason: str):
        col = self.mapping.get(code)
        column = (
            f"{_column_letter(col)} {self.labels.get(code, code)}"
            if col is not None
            else self.labels.get(code, code)
        )
        self.result.problems.append(ImportProblem(row, column, "" if value is None else _text(value), reason))


def _open(uploaded, columns, result) -> tuple[bytes, _Rows] | None:
    try:
        data = read_upload(uploaded)
        rows = _read_rows(data)
    except SpreadsheetError as exc:
        result.problems.append(ImportProblem(0, "", "", exc.message))
        return None
    found = _find_header(rows, columns)
    if found is None:
        result.problems.append(
            ImportProblem(
                0,
                "",
                "",
                _(
                    "No header row found: the first column of the header row must be “%(code)s” or “%(label)s”."
                )
                % {"code": columns[0][0], "label": columns[0][1]},
            )
        )
        return None
    header_index, mapping = found
    reader = _Rows(rows, header_index, mapping, columns, result)
    return data, reader


def import_events(user, uploaded, *, file_name: str = "", dry_run: bool = False) -> ImportResult:
    """Import events from the template; all or nothing. ``dry_run`` checks and counts without saving."""
    result = ImportResult()
    opened = _open(uploaded, EVENT_COLUMNS, result)
    if opened is None:
        return result
    data, reader = opened
    for code in ("county_code", "date", "title", "kind"):
        if code not in reader.mapping:
            result.problems.append(
                ImportProblem(
                    reader.header_index + 1, str(dict(EVENT_COLUMNS)[code]), "", _("This column is missing.")
                )
            )
    if result.problems:
        return result
    counties = {c.code: c for c in changeable_counties(user)}
    parsed = []
    seen: dict[tuple, int] = {}
    locked_cache: dict[tuple[int, int], bool] = {}
    for row, values in reader.data_rows():
        result.rows += 1
        if result.rows > MAX_ROWS:
            reader.problem(row, "county_code", "", _("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
            break
        before = len(result.problems)
        code = _key(values.get("county_code"))
        county = counties.get(code)
        if county is None:
            reader.problem(
                row,
                "county_code",
                values.get("county_code"),
                _("Unknown county code, or a county you may not change."),
            )
        fields: dict = {}
        audiences: dict[str, int] = {}
        for name, parser in (
            ("date", parse_date),
            ("kind", lambda raw: parse_choice(raw, KIND_WORDS, _("kind"))),
        ):
            raw = values.get(name)
            if is_blank(raw):
                reader.problem(row, name, raw, _("This value is required."))
                continue
            try:
                fields[name] = parser(raw)
            except ValueParseError as exc:
                reader.problem(row, name, raw, exc.message)
        fields["title"] = _text(values.get("title"))
        if not fields["title"]:
            reader.problem(row, "title", values.get("title"), _("This value is required."))
        elif len(fields["title"]) > 200:
            reader.problem(row, "title", values.get("title"), _("At most 200 characters."))
        organiser = _text(values.get("organiser"))
        fields["organiser_kind"] = OrganiserKind.AGENCY if organiser else OrganiserKind.BUREAU
        fields["organiser_name"] = organiser[:200]
        fields["place"] = _text(values.get("place"))[:200]
        fields["notes"] = _text(values.get("notes"))
        try:
            week = parse_boolean(values.get("publicity_week"))
            fields["publicity_week_override"] = None if week is None else bool(week)
        except ValueParseError as exc:
            reader.problem(row, "publicity_week", values.get("publicity_week"), exc.message)
        for category in AudienceCategory.values:
            raw = values.get(category)
            try:
                number = parse_number(raw, whole=True)
            except ValueParseError as exc:
                reader.problem(row, category, raw, exc.message)
                continue
            if number is not None and number > services.MAX_HEADCOUNT:
                reader.problem(
                    row,
                    category,
                    raw,
                    _("Implausibly large: at most %(max)s.") % {"max": services.MAX_HEADCOUNT},
                )
            elif number:
                audiences[category] = int(number)
        if len(result.problems) > before:
            continue
        try:
            services.validate_event(fields, audiences)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = name if name in reader.mapping else ("management" if name == "__all__" else "title")
                for message in messages:
                    reader.problem(row, column, values.get(column), message)
            continue
        pair = (county.pk, fields["date"].year)
        if pair not in locked_cache:
            locked_cache[pair] = is_year_locked(*pair)
        if locked_cache[pair]:
            reader.problem(
                row,
                "date",
                values.get("date"),
                _("The %(year)s report is approved and locked.") % {"year": pair[1]},
            )
            continue
        key = (county.pk, fields["date"], fields["title"])
        if key in seen:
            reader.problem(
                row,
                "title",
                values.get("title"),
                _("The same event (county, date, title) is already in row %(row)s.") % {"row": seen[key]},
            )
            continue
        seen[key] = row
        parsed.append((county, fields, audiences))
    if result.problems:
        return result
    try:
        with transaction.atomic():
            _land_events(user, parsed, result)
            if dry_run:
                transaction.set_rollback(True)
            else:
                result.batch = ImportBatch.objects.create(
                    kind=ImportBatch.Kind.TRAINING,
                    user=user,
                    file_name=(file_name or getattr(uploaded, "name", "") or "upload.xlsx")[-255:],
                    sha256=sha256_hex(data),
                    rows=result.rows,
                    values_created=result.created,
                    values_changed=result.changed,
                )
    except (ReportLocked, PermissionDenied, ValidationError) as exc:
        result.created = result.changed = result.unchanged = 0
        result.problems.append(ImportProblem(0, "", "", getattr(exc, "message", None) or str(exc)))
    return result


def _land_events(user, parsed, result: ImportResult) -> None:
    existing = {}
    if parsed:
        for event in TrainingEvent.objects.filter(
            county__in={c for c, _f, _a in parsed},
            date__in={f["date"] for _c, f, _a in parsed},
        ).prefetch_related("audiences"):
            existing[(event.county_id, event.date, event.title)] = event
    pairs = set()
    for county, fields, audiences in parsed:
        event = existing.get((county.pk, fields["date"], fields["title"]))
        if event is None:
            services.create_event(user, county, fields, audiences, recompute=False)
            pairs.add((county.pk, fields["date"].year))
            result.created += 1
            continue
        current = {name: getattr(event, name) for name in fields}
        current_audiences = {a.category: a.headcount for a in event.audiences.all()}
        if current == fields and current_audiences == audiences:
            result.unchanged += 1
            continue
        pairs.update({(county.pk, event.year), (county.pk, fields["date"].year)})
        services.update_event(user, event, fields, audiences, recompute=False)
        result.changed += 1
    # One recomputation for the whole file (calls in nested savepoints would not coalesce).
    request_score_recompute(sorted(pairs))


def import_attendees(user, event: TrainingEvent, uploaded, *, file_name: str = "") -> ImportResult:
    """Replace ``event``'s attendee list; the unique attendees per category become its headcounts.

    The same person (name and employer, ignoring spaces and case) listed twice is flagged and counted once.
    """
    result = ImportResult()
    opened = _open(uploaded, ATTENDEE_COLUMNS, result)
    if opened is None:
        return result
    data, reader = opened
    if "name" not in reader.mapping:
        result.problems.append(
            ImportProblem(
                reader.header_index + 1, str(ATTENDEE_COLUMNS[0][1]), "", _("This column is missing.")
            )
        )
        return result
    known_categories = list(event.audiences.values_list("category", flat=True))
    default_category = known_categories[0] if len(known_categories) == 1 else None
    attendees = []
    first_row: dict[tuple[str, str], int] = {}
    for row, values in reader.data_rows():
        result.rows += 1
        if result.rows > MAX_ROWS:
            reader.problem(row, "name", "", _("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
            break
        name = _text(values.get("name"))
        employer = _text(values.get("employer"))
        if not name:
            reader.problem(row, "name", values.get("name"), _("This value is required."))
            continue
        if len(name) > 100 or len(employer) > 200:
            reader.problem(row, "name", values.get("name"), _("The name or employer is too long."))
            continue
        raw_category = values.get("category")
        if is_blank(raw_category):
            if default_category is None:
                reader.problem(
                    row,
                    "category",
                    raw_category,
                    _("Enter the audience category (the event has several or none)."),
                )
                continue
            category = default_category
        else:
            try:
                category = parse_choice(raw_category, CATEGORY_WORDS, _("audience category"))
            except ValueParseError as exc:
                reader.problem(row, "category", raw_category, exc.message)
                continue
        person = (_key(name), _key(employer))
        duplicate_of = first_row.get(person)
        if duplicate_of is None:
            first_row[person] = row
        else:
            result.duplicates += 1
        attendees.append(
            Attendee(
                event=event,
                row=row,
                name=name,
                employer=employer,
                category=category,
                duplicate_of_row=duplicate_of,
            )
        )
    if not attendees and not result.problems:
        result.problems.append(ImportProblem(0, "", "", _("The file lists no attendees.")))
    if result.problems:
        return result
    counts: dict[str, int] = {}
    for attendee in attendees:
        if not attendee.is_duplicate:
            counts[attendee.category] = counts.get(attendee.category, 0) + 1
    try:
        with transaction.atomic():
            services.update_event(user, event, {}, counts)
            event.attendees.all().delete()
            Attendee.objects.bulk_create(attendees)
            result.created = len(attendees)
            result.batch = ImportBatch.objects.create(
                kind=ImportBatch.Kind.TRAINING,
                user=user,
                file_name=(file_name or getattr(uploaded, "name", "") or "attendees.xlsx")[-255:],
                sha256=sha256_hex(data),
                rows=result.rows,
                values_created=len(attendees) - result.duplicates,
            )
    except (ReportLocked, PermissionDenied, ValidationError) as exc:
        result.created = 0
        messages = getattr(exc, "messages", None) or [getattr(exc, "message", None) or str(exc)]
        result.problems.extend(ImportProblem(0, "", "", m) for m in messages)
    return result


def _template(columns, title: str, notes: list[str]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

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
