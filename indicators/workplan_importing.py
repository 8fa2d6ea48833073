"""``import_tasks`` (SPEC §10): task progress from the template, on the shared spreadsheet pipeline.

Codes row ``county_code, county_name, year, task_code, status, progress, measures`` (found by the pipeline: the
first row whose first cell is ``county_code``); ``status`` 未开展 / 推进中 / 已完成; a row is identified by
(county, year, task), so importing the same file twice changes nothing. All or nothing: one bad row refuses the
whole file with every problem listed (row, column, value, why). The same locking as annual data: an approved
year is refused, a submitted one is for the regional office only, and a returned one goes back to draft.
Rows are written through ``workplan.save_task_progress`` (history, text cleaning, the 已完成 rule).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.errors import PortalError
from config.excel import Column, Importer, ImportResult, Schema, Sheet, run_import
from config.parsing import ValueParseError, parse_number, parse_text
from counties.models import PilotDesignation
from counties.scoping import changeable_counties

from . import services
from .models import AnnualReport, TaskProgress, TaskStatus, WorkTask
from .services.workplan import (
    TEXT_LIMIT,
    TaskEntry,
    clean_task_text,
    entry_problems,
    parse_status,
    save_task_progress,
)

APP_LABEL, KIND = "indicators", "tasks"


def _status(raw):
    status = parse_status(raw)
    if status is None:
        raise ValueParseError(
            _("“%(value)s” is not a status; use 未开展, 推进中 or 已完成.") % {"value": raw}
        )
    return status


def _text(raw):
    return clean_task_text(parse_text(raw, multiline=True, max_length=TEXT_LIMIT))


def _year(raw):
    return int(parse_number(raw, whole=True))


COLUMNS = [
    Column(
        "county_code", gettext_lazy("County code"), {"县代码"}, lambda raw: str(raw).strip(), required=True
    ),
    Column("county_name", gettext_lazy("County name"), {"县名称"}),
    Column("year", gettext_lazy("Year"), {"年度"}, _year, required=True),
    Column("task_code", gettext_lazy("Task code"), {"任务代码"}, lambda raw: str(raw).strip(), required=True),
    Column(
        "status",
        gettext_lazy("Status"),
        {"进展状态", "进展状态（未开展/推进中/已完成）"},
        _status,
        required=True,
    ),
    Column("progress", gettext_lazy("Progress"), {"工作进展"}, _text),
    Column("measures", gettext_lazy("Measures"), {"工作措施"}, _text),
]


@dataclass
class TaskPlan:
    """Entries to save per (county, year), and what each row would do."""

    entries: dict = field(default_factory=lambda: defaultdict(dict))
    counties: dict = field(default_factory=dict)
    preview: list = field(default_factory=list)


class TaskImporter(Importer):
    app_label, kind = APP_LABEL, KIND
    refusals = (PermissionDenied, ValidationError, PortalError, services.ReportLocked)

    preview_headers = (
        gettext_lazy("County"),
        gettext_lazy("Year"),
        gettext_lazy("Task"),
        gettext_lazy("Status"),
    )

    def preview_rows(self, plan: TaskPlan, result: ImportResult) -> list[dict]:
        return [
            {
                "row": line["row"],
                "action": line["action"],
                "cells": [
                    line["county"].name,
                    line["year"],
                    f"{line['task'].code} {line['task'].name}",
                    line["status"],
                ],
            }
            for line in sorted(plan.preview, key=lambda line: line["row"])
        ]

    def schema(self) -> Schema:
        return Schema(
            COLUMNS, ignore_for_blank=frozenset({"county_code", "county_name", "year", "task_code"})
        )

    def plan(self, sheet: Sheet, result: ImportResult, *, lock: bool) -> TaskPlan:
        counties = {c.code: c for c in changeable_counties(self.user).select_related("pilot")}
        tasks = {t.code: t for t in WorkTask.objects.all()}
        plan = TaskPlan()
        seen: dict[tuple, int] = {}
        checked = []
        for row in sheet.rows:
            code = row.parse("county_code")
            year = row.parse("year")
            task_code = row.parse("task_code")
            status = row.parse("status")
            progress = row.parse("progress") or ""
            measures = row.parse("measures") or ""
            county = counties.get(code) if code else None
            if code and county is None:
                row.problem("county_code", _("Not a county whose data you may change."))
            name = row.raw("county_name")
            if county is not None and name not in (None, "") and str(name).strip() != county.name:
                row.problem(
                    "county_name",
                    _("The county name does not match the code (%(name)s).") % {"name": county.name},
                )
            task = tasks.get(task_code) if task_code else None
            if task_code and task is None:
                row.problem("task_code", _("Not a work-plan task code."))
            if county is not None and year is not None and not _is_pilot_year(county, year):
                row.problem("year", _("Not a pilot year of this county."))
            if task is not None and status is not None:
                for message in entry_problems(task, TaskEntry(status, progress, measures)):
                    row.problem("progress", message)
            if not row.problems and county is not None and task is not None:
                key = (county.pk, year, task.code)
                if key in seen:
                    row.problem(
                        "task_code",
                        _("The same county, year and task is already in row %(row)s.") % {"row": seen[key]},
                    )
                else:
                    seen[key] = row.number
                    checked.append((row, county, year, task, TaskEntry(status, progress, measures)))
            result.problems.extend(row.problems)
        result.rows = len(sheet.rows)
        self._match(checked, plan, result, lock=lock)
        return plan

    def _match(self, checked, plan: TaskPlan, result: ImportResult, *, lock: bool) -> None:
        if not checked:
            return
        pairs = {(county.pk, year) for _r, county, year, _t, _e in checked}
        reports = AnnualReport.objects.filter(
            county__in={county.pk for _r, county, _y, _t, _e in checked},
            year__in={year for _c, year in pairs},
        ).select_related("county")
        if lock:
            reports = reports.select_for_update(of=("self",))
        reports = {(r.county_id, r.year): r for r in reports}
        stored = {
            (p.report.county_id, p.report.year, p.task.code): p
            for p in TaskProgress.objects.filter(report__in=[r.pk for r in reports.values()]).select_related(
                "report", "task"
            )
        }
        for row, county, year, task, entry in checked:
            report = reports.get((county.pk, year))
            if report is not None:
                try:
                    services.ensure_values_changeable(report, self.user)
                except services.ReportLocked as exc:
                    row.problem("year", exc.message, raw=year)
                    result.problems.extend(row.problems)
                    continue
            current = stored.get((county.pk, year, task.code))
            if current is None:
                action = "unchanged" if entry == TaskEntry(TaskStatus.NOT_STARTED) else "created"
            elif (current.status, current.progress, current.measures) == (
                entry.status,
                entry.progress,
                entry.measures,
            ):
                action = "unchanged"
            else:
                action = "changed"
            setattr(result, action, getattr(result, action) + 1)
            plan.preview.append(
                {
                    "row": row.number,
                    "county": county,
                    "year": year,
                    "task": task,
                    "status": str(TaskStatus(entry.status).label),
                    "action": action,
                }
            )
            if action != "unchanged":
                plan.entries[(county.pk, year)][task.code] = entry
                plan.counties[county.pk] = county

    def apply(self, plan: TaskPlan, result: ImportResult) -> None:
        reason = _("Excel import %(file)s") % {"file": result.file_name}
        for (county_id, year), entries in sorted(plan.entries.items()):
            save_task_progress(
                county=plan.counties[county_id],
                year=year,
                user=self.user,
                entries=entries,
                change_reason=reason,
            )


def _is_pilot_year(county, year: int) -> bool:
    try:
        pilot = county.pilot
    except PilotDesignation.DoesNotExist:
        return False
    return pilot.start_year <= year <= pilot.end_year


def import_tasks(user, uploaded, *, file_name: str = "", dry_run: bool = False) -> ImportResult:
    """Import task progress from the template; all or nothing. ``dry_run`` checks and counts without saving."""
    return run_import(TaskImporter(user), uploaded, file_name=file_name, dry_run=dry_run)
