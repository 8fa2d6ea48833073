"""Demo task progress for every demo pilot year, written through the service before the report is submitted
(called by ``indicators.demo``). Later years advance: a task once completed stays completed."""

from __future__ import annotations

import random

from .models import AnnualReport, TaskStatus, WorkTask
from .services.workplan import TaskEntry, is_pilot_year, save_task_progress

PROGRESS = {
    TaskStatus.UNDERWAY: "已制定{name}工作方案，明确责任单位和时间节点，相关工作正在推进（演示数据）。",
    TaskStatus.COMPLETED: "{year}年{name}工作已按试点方案完成，形成工作总结并报盟市局备案（演示数据）。",
}
MEASURES = "召开专题会议部署，纳入年度考核，安排专项资金保障（演示数据）。"
PLANNED = "已列入下一年度工作计划（演示数据）。"


def _status(rng: random.Random, previous: str, step: int) -> str:
    if previous == TaskStatus.COMPLETED:
        return TaskStatus.COMPLETED
    roll = rng.random() + 0.25 * step
    if roll > 1.0:
        return TaskStatus.COMPLETED
    if roll > 0.35 or previous == TaskStatus.UNDERWAY:
        return TaskStatus.UNDERWAY
    return TaskStatus.NOT_STARTED


def seed_task_progress(report: AnnualReport, user) -> int:
    """Plausible progress of every task for ``report`` if its year is a pilot year; returns the tasks written."""
    if not is_pilot_year(report.county_id, report.year):
        return 0
    start = report.county.pilot.start_year
    rng = random.Random(f"demo-tasks-{report.county.code}-{report.year}")
    previous = dict(
        report.county.reports.filter(year=report.year - 1)
        .values_list("task_progress__task__code", "task_progress__status")
        .exclude(task_progress__isnull=True)
    )
    entries = {}
    for task in WorkTask.objects.all():
        status = _status(rng, previous.get(task.code, ""), report.year - start)
        text = PROGRESS.get(status, "").format(name=task.name, year=report.year)
        entries[task.code] = TaskEntry(
            status, text, PLANNED if status == TaskStatus.NOT_STARTED else MEASURES
        )
    result = save_task_progress(
        county=report.county_id, year=report.year, user=user, entries=entries, change_reason="演示数据"
    )
    return result.created + result.changed
