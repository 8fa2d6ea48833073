"""Excel import of annual data (SPEC §10), written on the kernel's pipeline (``config.excel``).

* ``AnnualDataImporter.schema``: the declared columns — ``county_code``, ``county_name``, ``year`` and every
  typed element (derived ones are declared as refused columns); unknown or repeated columns refuse the file;
  rows whose element cells are all empty are skipped. Reading, limits, formulas, hidden sheets: the kernel.
* ``plan_import``: checks every row against the database in a constant number of queries (county codes and
  names, year range, duplicates, the user's scope, locked reports, ``parse_value`` and ``validate_values`` —
  the same rules as the browser form) and works out what would be created or changed.
* ``AnnualDataImporter.apply`` (run by ``config.excel.run_import`` inside the planning transaction, after the
  ``ImportBatch`` is recorded): writes everything in bulk (``indicators.bulk``: prepared statements on plain
  tuples, history copied in the database; a constant number of queries per chunk, not per row) and requests
  score recomputation for exactly the changed (county, year) pairs. A blank cell keeps what is stored; a file equal to what is
  stored changes nothing and records no batch.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.excel import Column, Importer, ImportResult, Problem, ProblemList, Schema, run_import
from config.excel import read_sheet as kernel_read_sheet
from config.excel.reader import Sheet, SheetRow
from config.formatting import format_value
from counties.models import County
from counties.scoping import changeable_counties

from .bulk import copy_history
from .bulk import insert_values as write_new_values
from .bulk import update_values as write_changed_values
from .models import AnnualReport, DataElement, DataValue, ImportBatch, ReportStatus, ValueType
from .parsing import ValueParseError, is_blank, parse_value, validate_values
from .services import ReportLocked, back_to_draft, ensure_values_changeable, request_score_recompute

CODE_HEADER = "county_code"
NAME_HEADER = "county_name"
YEAR_HEADER = "year"
FIXED_HEADERS = (CODE_HEADER, NAME_HEADER, YEAR_HEADER)
MIN_YEAR = 2000
MAX_DATA_ROWS = 5000
WRITE_BATCH_SIZE = 500
APP_LABEL, KIND = "indicators", "annual_data"

ImportProblem = Problem


def max_year() -> int:
    """The latest year that may be imported: the current year (a report cannot describe the future)."""
    return timezone.localdate().year


@dataclass
class ValueChange:
    element: DataElement
    old: Decimal | None
    new: Decimal
    existing: DataValue | None
    warning: str = ""

    @property
    def is_new(self) -> bool:
        return self.existing is None


@dataclass
class ImportWarning:
    """A value of the file that changes by more than 50 % against the previous year: where, what, and both
    values, so the preview shows exactly what it warns about."""

    row: int
    county: County
    year: int
    element: DataElement
    before: Decimal | None
    value: Decimal | None
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "county_code": self.county.code,
            "county_name": self.county.name,
            "year": self.year,
            "previous_year": self.year - 1,
            "code": self.element.code,
            "name": self.element.name,
            "before": display_value(self.before, self.element),
            "value": display_value(self.value, self.element),
            "message": self.message,
        }


@dataclass
class PairPlan:
    """What one (county, year) row of the file would do."""

    row: int
    county: County
    year: int
    report: AnnualReport | None
    changes: list[ValueChange] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)


@dataclass
class ImportPlan:
    file_name: str
    sha256: str
    rows_read: int = 0
    pairs: list[PairPlan] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.problems.omitted

    @property
    def changed_pairs(self) -> list[PairPlan]:
        return [pair for pair in self.pairs if pair.changes]

    @property
    def values_created(self) -> int:
        return sum(1 for pair in self.pairs for change in pair.changes if change.is_new)

    @property
    def values_changed(self) -> int:
        return sum(1 for pair in self.pairs for change in pair.changes if not change.is_new)

    @property
    def reports_created(self) -> int:
        return sum(1 for pair in self.changed_pairs if pair.report is None)

    @property
    def warning_count(self) -> int:
        return sum(len(pair.warnings) for pair in self.pairs)

    def as_preview(self) -> dict:
        """A JSON-ready summary for the preview page (stored server-side between preview and confirm)."""
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "ok": self.ok,
            "rows_read": self.rows_read,
            "values_created": self.values_created,
            "values_changed": self.values_changed,
            "reports_created": self.reports_created,
            "warning_count": self.warning_count,
            "unchanged_pairs": len(self.pairs) - len(self.changed_pairs),
            "problems": self.problems.as_dicts(),
            "problems_omitted": self.problems.omitted,
            "pairs": [_pair_preview(pair) for pair in self.changed_pairs],
            "warnings": [w.as_dict() for pair in self.pairs for w in pair.warnings],
        }


def _pair_preview(pair: PairPlan) -> dict:
    return {
        "row": pair.row,
        "county_code": pair.county.code,
        "county_name": pair.county.name,
        "year": pair.year,
        "new_report": pair.report is None,
        "report_status": pair.report.get_status_display() if pair.report else "",
        "warnings": [w.message for w in pair.warnings],
        "changes": [
            {
                "code": change.element.code,
                "name": change.element.name,
                "unit": "" if change.element.value_type == ValueType.BOOLEAN else change.element.unit,
                "old": display_value(change.old, change.element),
                "new": display_value(change.new, change.element),
                "is_new": change.is_new,
                "warning": change.warning,
            }
            for change in pair.changes
        ],
    }


def typed_elements() -> dict[str, DataElement]:
    """Elements a county types (and imports), in catalogue order; derived ones are never imported."""
    return {e.code: e for e in DataElement.objects.filter(is_derived=False).order_by("order", "code")}


def _cell_text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return unicodedata.normalize("NFKC", str(raw)).strip()


def parse_year(raw) -> int:
    """A four-digit year from a number or text such as ２０２４ or 2024年."""
    text = _cell_text(raw).removesuffix("年").strip()
    if not re.fullmatch(r"[0-9]{4}", text, re.ASCII):
        raise ValueParseError(_("The year is not a four-digit year."))
    return int(text)


def _element_parser(element: DataElement):
    def parse(raw):
        try:
            return parse_value(raw, element)
        except ValueParseError as exc:
            raise ValueParseError(f"{element.name}: {exc.message}") from exc

    return parse


def annual_data_schema() -> Schema:
    columns = [
        Column(CODE_HEADER, required=True),
        Column(NAME_HEADER),
        Column(YEAR_HEADER, parser=parse_year, required=True),
    ]
    for element in DataElement.objects.order_by("order", "code"):
        refused = ""
        if element.is_derived:
            refused = _(
                "%(name)s is computed from training and publicity records and cannot be imported."
            ) % {"name": element.name}
        columns.append(Column(element.code, parser=_element_parser(element), refused=refused))
    return Schema(
        columns, strict=True, ignore_for_blank=frozenset(FIXED_HEADERS), max_data_rows=MAX_DATA_ROWS
    )


class AnnualDataImporter(Importer):
    app_label, kind = APP_LABEL, KIND
    refusals = (ReportLocked,)

    def schema(self) -> Schema:
        return annual_data_schema()

    def empty_plan(self, result: ImportResult) -> ImportPlan:
        return ImportPlan(result.file_name, result.sha256, problems=result.problems)

    def plan(self, sheet: Sheet, result: ImportResult, *, lock: bool) -> ImportPlan:
        plan = plan_import(sheet, self.user, file_name=result.file_name, sha256=result.sha256, lock=lock)
        result.problems.extend(plan.problems)
        plan.problems = result.problems
        result.rows = plan.rows_read
        result.created, result.changed = plan.values_created, plan.values_changed
        return plan

    def has_changes(self, plan: ImportPlan, result: ImportResult) -> bool:
        return bool(plan.changed_pairs)

    def batch_counts(self, result: ImportResult) -> dict[str, int]:
        plan = result.plan
        return {
            "reports_created": plan.reports_created,
            "values_created": plan.values_created,
            "values_changed": plan.values_changed,
        }

    def apply(self, plan: ImportPlan, result: ImportResult) -> None:
        _apply(plan, self.user, result.batch)


def read_sheet(data: bytes) -> Sheet:
    """The annual-data sheet of ``data`` (kernel reader, this import's schema)."""
    return kernel_read_sheet(data, annual_data_schema())


@dataclass
class _Checks:
    """What every row is checked against, loaded once per file."""

    user: object
    changeable: set[int]
    elements: dict[str, DataElement]
    counties: dict[str, County]
    highest: int
    seen_pairs: dict[tuple[int, int], int] = field(default_factory=dict)


def _check_county(row: SheetRow, checks: _Checks) -> County | None:
    raw_code = row.raw(CODE_HEADER)
    county = checks.counties.get(_cell_text(raw_code))
    if is_blank(raw_code):
        row.problem(CODE_HEADER, _("The county code is empty."))
    elif county is None:
        row.problem(CODE_HEADER, _("Unknown county code."))
    elif county.pk not in checks.changeable:
        row.problem(
            CODE_HEADER, _("%(county)s is outside the counties you may change.") % {"county": county.name}
        )
    raw_name = row.raw(NAME_HEADER)
    if county is not None and not is_blank(raw_name) and _cell_text(raw_name) != county.name:
        row.problem(
            NAME_HEADER,
            _("The county name does not match code %(code)s (%(name)s).")
            % {"code": county.code, "name": county.name},
        )
    return county if county is not None and county.pk in checks.changeable else None


def _check_year(row: SheetRow, checks: _Checks) -> int | None:
    if is_blank(row.raw(YEAR_HEADER)):
        row.problem(YEAR_HEADER, _("The year is empty."))
        return None
    year = row.parse(YEAR_HEADER)
    if year is not None and not MIN_YEAR <= year <= checks.highest:
        row.problem(
            YEAR_HEADER,
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": checks.highest},
        )
        return None
    return year


def _check_row(row: SheetRow, checks: _Checks, plan: ImportPlan):
    """Problems of one row go to ``plan``; returns ``(county, year, values)`` when the row can be planned."""
    county = _check_county(row, checks)
    year = _check_year(row, checks)
    values: dict[str, Decimal] = {}
    for code in checks.elements:
        value = row.parse(code)
        if value is not None:
            values[code] = value
    plan.problems.extend(row.problems)
    if county is None or year is None:
        return None
    first = checks.seen_pairs.setdefault((county.pk, year), row.number)
    if first != row.number:
        plan.problems.append(
            Problem.at(
                row.number,
                row.letters.get(YEAR_HEADER, ""),
                YEAR_HEADER,
                _cell_text(row.raw(YEAR_HEADER)),
                _("%(county)s %(year)s already appears in row %(row)s.")
                % {"county": county.name, "year": year, "row": first},
            )
        )
        return None
    # Rows with unreadable cells are still checked across fields, so the file's every problem is listed.
    return county, year, values


def plan_import(
    parsed: Sheet, user, *, file_name: str = "", sha256: str = "", lock: bool = False
) -> ImportPlan:
    """Check every row of ``parsed`` for ``user`` and work out the changes, in a constant number of queries.

    ``lock`` takes row locks on the affected reports (``select_for_update``) when called inside the
    applying transaction.
    """
    plan = ImportPlan(file_name=file_name, sha256=sha256, problems=ProblemList(parsed.problems))
    changeable = set(changeable_counties(user).values_list("pk", flat=True))
    if not changeable:
        plan.problems.append(
            Problem.whole_file(_("Your account may not change county data, so it cannot import."))
        )
        return plan
    codes = {_cell_text(row.raw(CODE_HEADER)) for row in parsed.rows}
    checks = _Checks(
        user=user,
        changeable=changeable,
        elements=typed_elements(),
        counties={c.code: c for c in County.objects.filter(code__in=codes).select_related("league")},
        highest=max_year(),
    )
    keyed = []
    for row in parsed.rows:
        plan.rows_read += 1
        checked = _check_row(row, checks, plan)
        if checked is not None:
            keyed.append((row, *checked))
    if keyed:
        _plan_pairs(plan, keyed, checks, lock=lock)
    plan.problems.sort(key=lambda p: (p.row or 0, len(p.column), p.column))
    return plan


def _load_reports(keyed, elements: dict[str, DataElement], *, lock: bool):
    county_ids = {county.pk for _row, county, _year, _values in keyed}
    years = {year for _row, _county, year, _values in keyed}
    years |= {year - 1 for year in years}
    reports_qs = AnnualReport.objects.filter(county_id__in=county_ids, year__in=years).select_related(
        "county"
    )
    if lock:
        reports_qs = reports_qs.select_for_update(of=("self",))
    reports = {(r.county_id, r.year): r for r in reports_qs}
    stored: dict[tuple[int, int], dict[str, DataValue]] = {}
    report_pairs = {r.pk: pair for pair, r in reports.items()}
    by_id = {e.pk: e for e in elements.values()}
    for value in DataValue.objects.filter(report_id__in=report_pairs, element_id__in=by_id):
        stored.setdefault(report_pairs[value.report_id], {})[by_id[value.element_id].code] = value
    return reports, stored


def _plan_pairs(plan: ImportPlan, keyed, checks: _Checks, *, lock: bool) -> None:
    reports, stored = _load_reports(keyed, checks.elements, lock=lock)
    merged: dict[tuple[int, int], dict[str, Decimal | None]] = {
        pair: {code: dv.value for code, dv in values.items()} for pair, values in stored.items()
    }
    for _row, county, year, values in keyed:
        merged.setdefault((county.pk, year), {}).update(values)
    for row, county, year, values in keyed:
        pair = (county.pk, year)
        errors, warnings = validate_values(merged[pair], checks.elements, merged.get((county.pk, year - 1)))
        for error in errors:
            plan.problems.append(
                Problem.at(
                    row.number,
                    row.letters.get(error.element_code, ""),
                    error.element_code,
                    _cell_text(row.raw(error.element_code)),
                    error.message,
                )
            )
        warned = {w.element_code: w.message for w in warnings if w.element_code in values}
        pair_plan = _pair_changes(row, county, year, values, reports.get(pair), stored.get(pair, {}), checks)
        previous = merged.get((county.pk, year - 1)) or {}
        pair_plan.warnings = [
            ImportWarning(
                row.number,
                county,
                year,
                checks.elements[code],
                previous.get(code),
                merged[pair].get(code),
                text,
            )
            for code, text in warned.items()
        ]
        for change in pair_plan.changes:
            change.warning = warned.get(change.element.code, "")
        _check_report_lock(row, pair_plan, checks.user, plan)
        plan.pairs.append(pair_plan)


def _pair_changes(row, county, year, values, report, current, checks: _Checks) -> PairPlan:
    pair_plan = PairPlan(row=row.number, county=county, year=year, report=report)
    for code, new in values.items():
        existing = current.get(code)
        old = existing.value if existing is not None else None
        if existing is not None and old == new:
            continue
        pair_plan.changes.append(ValueChange(checks.elements[code], old, new, existing))
    return pair_plan


def _check_report_lock(row: SheetRow, pair_plan: PairPlan, user, plan: ImportPlan) -> None:
    report = pair_plan.report
    if not pair_plan.changes or report is None:
        return
    where = (row.number, row.letters.get(YEAR_HEADER, ""), YEAR_HEADER, str(pair_plan.year))
    if report.status == ReportStatus.APPROVED:
        plan.problems.append(
            Problem.at(
                *where,
                _(
                    "The %(year)s report of %(county)s is approved and locked; ask the regional office "
                    "to reopen it before changing its data."
                )
                % {"year": pair_plan.year, "county": pair_plan.county.name},
            )
        )
        return
    report.county = pair_plan.county
    try:
        ensure_values_changeable(report, user)
    except ReportLocked as exc:
        plan.problems.append(Problem.at(*where, exc.message))


def preview_workbook(data: bytes, file_name: str, user) -> ImportPlan:
    """The dry run: what importing ``data`` would do, writing nothing."""
    return run_import(AnnualDataImporter(user), data, file_name=file_name, dry_run=True).plan


def import_workbook(data: bytes, file_name: str, user, *, dry_run: bool = False, expect=None) -> ImportResult:
    """Import ``data`` for ``user``: all or nothing, in one transaction. Returns the result (plan, batch).

    The plan is recomputed inside the transaction (with row locks) so that what is written matches the
    database at that moment; ``expect`` (``run_import``) refuses it when it is no longer the preview confirmed.
    """
    return run_import(AnnualDataImporter(user), data, file_name=file_name, dry_run=dry_run, expect=expect)


def history_reason(batch: ImportBatch) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return (_("Excel import #%(id)s %(file)s") % {"id": batch.pk, "file": batch.file_name})[:100]


def _apply(plan: ImportPlan, user, batch: ImportBatch) -> None:
    """Write a checked plan in bulk (``indicators.bulk``); called inside the transaction that planned it."""
    now = timezone.now()
    history_user = user if getattr(user, "pk", None) else None
    reason = history_reason(batch)
    changed = plan.changed_pairs
    existing_ids = [pair.report.pk for pair in changed if pair.report is not None]
    _create_reports(changed, now, history_user, reason)
    creates, updates = [], []
    for pair in changed:
        for change in pair.changes:
            comment = reason if change.warning else ""
            existing = change.existing
            if existing is None:
                creates.append((pair.report.pk, change.element.pk, change.new, comment))
            else:
                kept = comment or existing.comment
                updates.append((existing.pk, existing.report_id, existing.element_id, change.new, kept))
    who = getattr(history_user, "pk", None)
    write_new_values(creates, now=now, user_id=who, reason=reason)
    write_changed_values(updates, now=now, user_id=who, reason=reason)
    for pair in changed:
        if pair.report.status == ReportStatus.RETURNED:
            back_to_draft(pair.report, user, reason)
            pair.report._history_user, pair.report._change_reason = history_user, reason
            pair.report.save(update_fields=["status"])
    AnnualReport.objects.filter(pk__in=existing_ids).update(version=F("version") + 1, updated_at=now)
    request_score_recompute([(pair.county.pk, pair.year) for pair in changed])


def _create_reports(changed: list[PairPlan], now, history_user, reason: str) -> None:
    """The missing reports in one ``bulk_create``, their history copied in the database (``copy_history``)."""
    new_reports = [
        AnnualReport(county=pair.county, year=pair.year, status=ReportStatus.DRAFT)
        for pair in changed
        if pair.report is None
    ]
    if not new_reports:
        return
    created = AnnualReport.objects.bulk_create(new_reports, batch_size=WRITE_BATCH_SIZE)
    copy_history(
        AnnualReport,
        key="id",
        keys=[report.pk for report in created],
        history_type="+",
        date=now,
        user_id=getattr(history_user, "pk", None),
        reason=reason,
    )
    by_pair = {(r.county_id, r.year): r for r in created}
    for pair in changed:
        if pair.report is None:
            pair.report = by_pair[(pair.county.pk, pair.year)]


def display_value(value: Decimal | None, element: DataElement) -> str:
    """A value in the preview as pages show it (the kernel's formatter): 是/否, thousands separators."""
    return format_value(value, element.value_type, places=None, empty="")
