"""Read queries on work-plan task progress (SPEC §8b): one report's tasks, the region's task × county matrix,
a county's tasks over the years, and the completed / total figures of the pilot summary.

Every function listing several counties takes the user and scopes through ``counties.scoping``; each runs a
fixed number of queries whatever the number of counties or tasks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Prefetch

from counties.models import County, PilotDesignation
from counties.scoping import visible_counties

from .models import AnnualReport, ReportStatus, TaskEvidence, TaskProgress, TaskStatus, WorkTask

# Bootstrap colours of a status (matrix cells, badges).
STATUS_STYLES = {
    TaskStatus.NOT_STARTED: "secondary",
    TaskStatus.UNDERWAY: "warning",
    TaskStatus.COMPLETED: "success",
}


def work_tasks() -> list[WorkTask]:
    return list(WorkTask.objects.all())


def pilot_years(county: County) -> list[int]:
    """The years task progress is reported for: the pilot's years (none for a county that is not a pilot)."""
    try:
        pilot = county.pilot
    except PilotDesignation.DoesNotExist:
        return []
    return list(pilot.years)


@dataclass
class TaskRow:
    task: WorkTask
    progress: TaskProgress | None
    previous: TaskProgress | None
    evidence: list = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.progress.status if self.progress else TaskStatus.NOT_STARTED

    @property
    def status_label(self) -> str:
        return TaskStatus(self.status).label

    @property
    def style(self) -> str:
        return STATUS_STYLES[self.status]

    @property
    def previous_status(self) -> str:
        return self.previous.status if self.previous else ""

    @property
    def previous_label(self) -> str:
        return TaskStatus(self.previous.status).label if self.previous else ""

    @property
    def previous_style(self) -> str:
        return STATUS_STYLES[self.previous.status] if self.previous else ""


def task_rows(county: County, year: int) -> list[TaskRow]:
    """Every task with its progress in ``year``, last year's progress and the evidence files (3 queries)."""
    progress = (
        TaskProgress.objects.filter(report__county=county, report__year__in=(year, year - 1))
        .select_related("report")
        .prefetch_related(
            Prefetch("evidence", queryset=TaskEvidence.objects.select_related("uploaded_by").order_by("pk"))
        )
    )
    by_year: dict[int, dict[int, TaskProgress]] = defaultdict(dict)
    for row in progress:
        by_year[row.report.year][row.task_id] = row
    rows = []
    for task in WorkTask.objects.all():
        current = by_year[year].get(task.pk)
        rows.append(
            TaskRow(
                task=task,
                progress=current,
                previous=by_year[year - 1].get(task.pk),
                evidence=list(current.evidence.all()) if current else [],
            )
        )
    return rows


def task_counts(rows: list[TaskRow]) -> dict[str, int]:
    counts = {status.value: 0 for status in TaskStatus}
    for row in rows:
        counts[row.status] += 1
    return counts


def task_history(progress: TaskProgress) -> list:
    """The recorded versions of one task's progress, newest first, with who made them."""
    return list(progress.history.select_related("history_user").order_by("-history_date", "-history_id"))


# --- Region: the task × county matrix -------------------------------------------------------------------


@dataclass
class MatrixColumn:
    county: County
    report: AnnualReport | None
    completed: int = 0


def task_matrix(user, year: int, *, league: str = "", batch: str = "") -> dict:
    """Tasks (rows) × pilots of ``year`` in the user's scope (columns), filtered by league code and batch.

    ``cells[task_index][county_index]`` is ``{"status", "style", "label", "progress"}``; 4 queries in all.
    """
    counties = (
        visible_counties(user)
        .filter(pilot__start_year__lte=year, pilot__end_year__gte=year)
        .select_related("league", "pilot")
        .order_by("league__code", "code")
    )
    if league:
        counties = counties.filter(league__code=league)
    if batch:
        counties = counties.filter(pilot__batch=batch)
    counties = list(counties)
    reports = {
        r.county_id: r for r in AnnualReport.objects.filter(county__in=[c.pk for c in counties], year=year)
    }
    progress = (
        {
            (row.report.county_id, row.task_id): row
            for row in TaskProgress.objects.filter(
                report__in=[r.pk for r in reports.values()]
            ).select_related("report")
        }
        if reports
        else {}
    )
    tasks = work_tasks()
    columns = [MatrixColumn(county=c, report=reports.get(c.pk)) for c in counties]
    rows = []
    totals = {status.value: 0 for status in TaskStatus}
    for task in tasks:
        cells = []
        for column in columns:
            row = progress.get((column.county.pk, task.pk))
            status = row.status if row else TaskStatus.NOT_STARTED
            if status == TaskStatus.COMPLETED:
                column.completed += 1
            totals[status] += 1
            cells.append(
                {
                    "county": column.county,
                    "status": status,
                    "style": STATUS_STYLES[status],
                    "label": TaskStatus(status).label,
                    "progress": row.progress if row else "",
                    "recorded": row is not None,
                }
            )
        rows.append({"task": task, "cells": cells})
    return {"columns": columns, "rows": rows, "totals": totals, "tasks": tasks}


# --- A county over the years ------------------------------------------------------------------------------


def county_task_years(county: County) -> dict:
    """Each task's status in each pilot year of ``county`` (3 queries): ``{"years", "rows", "completed"}``."""
    years = pilot_years(county)
    if not years:
        return {"years": [], "rows": [], "completed": {}}
    stored = {
        (year, task_id): status
        for year, task_id, status in TaskProgress.objects.filter(
            report__county=county, report__year__in=years
        ).values_list("report__year", "task_id", "status")
    }
    completed = {year: 0 for year in years}
    rows = []
    for task in WorkTask.objects.all():
        cells = []
        for year in years:
            status = stored.get((year, task.pk), TaskStatus.NOT_STARTED)
            if status == TaskStatus.COMPLETED:
                completed[year] += 1
            cells.append(
                {
                    "year": year,
                    "status": status,
                    "style": STATUS_STYLES[status],
                    "label": TaskStatus(status).label,
                }
            )
        rows.append({"task": task, "cells": cells})
    return {"years": years, "rows": rows, "completed": completed}


# --- Figures ------------------------------------------------------------------------------------------------

REPORTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def tasks_completed(county_ids) -> dict[int, dict]:
    """Per county: ``tasks_completed`` in the pilot's latest reported year (submitted or approved, within the
    pilot's years) and ``tasks_total`` (the catalogue's tasks). Counties without such a year have 0."""
    county_ids = list(county_ids)
    total = WorkTask.objects.count()
    latest: dict[int, int] = {}
    reports = (
        AnnualReport.objects.filter(
            county_id__in=county_ids,
            status__in=REPORTED,
            county__pilot__start_year__lte=F("year"),
            county__pilot__end_year__gte=F("year"),
        )
        .order_by("county_id", "-year")
        .values_list("county_id", "pk")
    )
    for county_id, report_id in reports:
        latest.setdefault(county_id, report_id)
    counts = defaultdict(int)
    for report_id in TaskProgress.objects.filter(
        report_id__in=latest.values(), status=TaskStatus.COMPLETED
    ).values_list("report_id", flat=True):
        counts[report_id] += 1
    return {
        county_id: {"tasks_completed": counts.get(latest.get(county_id), 0), "tasks_total": total}
        for county_id in county_ids
    }
