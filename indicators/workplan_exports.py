"""The 工作任务 sheet of the auditor workbook (SPEC §10): one row per (county, pilot year, task).

Sheet title and headers are a file contract (the same in every UI language), like the other audit sheets.
Every task of every report of a pilot year is listed; a task nothing was recorded for is 未开展.
"""

from __future__ import annotations

from django.db.models import Count, F

from config.exports import AuditSheet
from counties.scoping import scope_queryset

from .models import AnnualReport, TaskProgress, TaskStatus, WorkTask
from .services.workplan import STATUS_LABELS_ZH

SHEET_TITLE = "工作任务"
HEADERS = [
    "县代码",
    "县名称",
    "年度",
    "任务代码",
    "任务名称",
    "进展状态",
    "工作进展",
    "佐证材料数",
    "工作措施",
    "报送状态",
]
REPORT_STATUS_ZH = {"draft": "草稿", "submitted": "已提交", "approved": "已通过", "returned": "已退回"}


def pilot_reports(user, year: int | None = None):
    """Reports of pilot years in the user's scope, in county and year order."""
    reports = scope_queryset(
        user,
        AnnualReport.objects.filter(
            county__pilot__start_year__lte=F("year"), county__pilot__end_year__gte=F("year")
        ).select_related("county"),
    )
    if year:
        reports = reports.filter(year=year)
    return reports.order_by("county__code", "year")


def task_rows(user, year: int | None = None) -> list[list]:
    """The sheet's rows (3 queries)."""
    reports = list(pilot_reports(user, year))
    tasks = list(WorkTask.objects.all())
    stored = (
        {
            (row.report_id, row.task_id): row
            for row in TaskProgress.objects.filter(report__in=[r.pk for r in reports]).annotate(
                evidence_count=Count("evidence")
            )
        }
        if reports
        else {}
    )
    rows = []
    for report in reports:
        for task in tasks:
            progress = stored.get((report.pk, task.pk))
            status = progress.status if progress else TaskStatus.NOT_STARTED
            rows.append(
                [
                    report.county.code,
                    report.county.name,
                    report.year,
                    task.code,
                    task.name,
                    STATUS_LABELS_ZH[status],
                    progress.progress if progress else "",
                    progress.evidence_count if progress else 0,
                    progress.measures if progress else "",
                    REPORT_STATUS_ZH.get(report.status, report.status),
                ]
            )
    return rows


def tasks_sheet(user, year: int | None = None) -> AuditSheet:
    return AuditSheet(
        title=SHEET_TITLE,
        headers=HEADERS,
        rows=task_rows(user, year),
        number_formats={"年度": "0", "佐证材料数": "0"},
        widths={"任务名称": 36, "工作进展": 60, "工作措施": 60},
    )


# --- The task progress template (SPEC §10 ``import_tasks``) ------------------------------------------------

TEMPLATE_SHEET = "工作任务"
TEMPLATE_LABELS = [
    "县代码",
    "县名称",
    "年度",
    "任务代码",
    "进展状态（未开展/推进中/已完成）",
    "工作进展",
    "工作措施",
]
TEMPLATE_CODES = ["county_code", "county_name", "year", "task_code", "status", "progress", "measures"]


def template_rows(counties, year: int) -> list[list]:
    """One row per (pilot of ``year`` among ``counties``, task), pre-filled with the stored progress (3 queries)."""
    counties = list(counties.filter(pilot__start_year__lte=year, pilot__end_year__gte=year).order_by("code"))
    stored = {
        (county_id, task_id): (status, progress, measures)
        for county_id, task_id, status, progress, measures in TaskProgress.objects.filter(
            report__county__in=[c.pk for c in counties], report__year=year
        ).values_list("report__county_id", "task_id", "status", "progress", "measures")
    }
    tasks = list(WorkTask.objects.all())
    rows = []
    for county in counties:
        for task in tasks:
            status, progress, measures = stored.get((county.pk, task.pk), (TaskStatus.NOT_STARTED, "", ""))
            rows.append(
                [county.code, county.name, year, task.code, STATUS_LABELS_ZH[status], progress, measures]
            )
    return rows


def template_sheet(counties, year: int) -> AuditSheet:
    """The labels row (as the header), the codes row the import looks for, then the pre-filled rows."""
    return AuditSheet(
        title=TEMPLATE_SHEET,
        headers=TEMPLATE_LABELS,
        rows=[TEMPLATE_CODES, *template_rows(counties, year)],
        number_formats={"年度": "0"},
        widths={"县名称": 16, "工作进展": 60, "工作措施": 60, "进展状态（未开展/推进中/已完成）": 18},
    )
