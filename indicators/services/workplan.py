"""Write-side rules for work-plan task progress (三 工作计划, SPEC §8b), part of the annual report.

* ``save_task_progress(county=, year=, user=, entries=)``: status, 工作进展 and measures of several tasks of one
  (county, pilot year) at once, all or nothing, history kept (who, when, old and new);
* ``attach_task_evidence`` / ``delete_task_evidence``: evidence files of one task, through ``config.evidence``;
* ``ensure_tasks_submittable(report)``: called by ``submit_report`` — a task marked 已完成 needs its 工作进展.

Task progress follows its report's lock, by the same rule as the values (``locking.ensure_values_changeable``):
approved is locked; submitted only the regional office may change; a change to a returned report moves it back
to draft (``locking.back_to_draft``). A report may be submitted with tasks still 未开展.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from config.access import NotAllowed, can_write_county_data
from config.errors import Conflict, InvalidInput, Locked
from config.evidence import attach_evidence, delete_evidence_files
from config.parsing import clean_text
from counties.models import County, PilotDesignation
from counties.scoping import can_change_county

from ..errors import ReportConflict, ReportLocked, TransitionNotAllowed
from ..models import AnnualReport, TaskEvidence, TaskProgress, TaskStatus, WorkTask
from .locking import back_to_draft, ensure_values_changeable, may_change_values

TEXT_LIMIT = TaskProgress.TEXT_LIMIT


# Status words accepted from people and files (the stored codes, the Chinese and English labels).
STATUS_WORDS = {
    "未开展": TaskStatus.NOT_STARTED,
    "推进中": TaskStatus.UNDERWAY,
    "已完成": TaskStatus.COMPLETED,
    "not started": TaskStatus.NOT_STARTED,
    "underway": TaskStatus.UNDERWAY,
    "in progress": TaskStatus.UNDERWAY,
    "completed": TaskStatus.COMPLETED,
    **{status.value: status for status in TaskStatus},
}
STATUS_LABELS_ZH = {
    TaskStatus.NOT_STARTED: "未开展",
    TaskStatus.UNDERWAY: "推进中",
    TaskStatus.COMPLETED: "已完成",
}


def clean_task_text(value) -> str:
    """Multi-line text as stored: NFC, the kernel's cleaning (line breaks unified, control characters removed),
    stripped."""
    return clean_text(unicodedata.normalize("NFC", str(value or "")), multiline=True).strip()


def parse_status(raw) -> str | None:
    """A status code from a stored code or a label (未开展 / 推进中 / 已完成); ``None`` if not one."""
    word = unicodedata.normalize("NFKC", str(raw or "")).strip().lower()
    return STATUS_WORDS.get(word)


@dataclass(frozen=True)
class TaskEntry:
    """What a user (or a file row) says about one task."""

    status: str
    progress: str = ""
    measures: str = ""

    def cleaned(self) -> TaskEntry:
        return TaskEntry(self.status, clean_task_text(self.progress), clean_task_text(self.measures))


def entry_problems(task: WorkTask, entry: TaskEntry) -> list[str]:
    """Why ``entry`` (already cleaned) cannot be stored for ``task``; empty when it can."""
    problems = []
    if entry.status not in TaskStatus.values:
        problems.append(_("%(task)s: the status must be 未开展, 推进中 or 已完成.") % {"task": task.name})
    for label, text in ((_("progress"), entry.progress), (_("measures"), entry.measures)):
        if len(text) > TEXT_LIMIT:
            problems.append(
                _("%(task)s: the %(what)s has %(n)s characters; at most %(max)s are allowed.")
                % {"task": task.name, "what": label, "n": len(text), "max": TEXT_LIMIT}
            )
    if entry.status == TaskStatus.COMPLETED and not entry.progress:
        problems.append(
            _("%(task)s is marked completed: describe what was done (progress).") % {"task": task.name}
        )
    return problems


@dataclass
class TaskSaveResult:
    report: AnnualReport
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    changed_tasks: list[str] = field(default_factory=list)


def _lock_report(county_id: int, year: int, user, *, create: bool) -> AnnualReport | None:
    """The (county, year) report, row-locked, checked by the values' rule; created when ``create``."""
    if create:
        report, _created = AnnualReport.objects.get_or_create(county_id=county_id, year=year)
    else:
        report = AnnualReport.objects.filter(county_id=county_id, year=year).first()
        if report is None:
            return None
    locked = AnnualReport.objects.select_for_update().select_related("county").get(pk=report.pk)
    try:
        ensure_values_changeable(locked, user)
    except ReportLocked as exc:
        raise Locked(exc.message) from exc
    return locked


def _touch(report: AnnualReport, user, reason: str = "") -> None:
    """The report changed: a returned report goes back to draft, the version moves on (concurrency)."""
    back_to_draft(report, user, reason)
    report.version += 1
    report._history_user = user
    report.save()


def _require_change(user, county_id: int) -> None:
    if not can_change_county(user, county_id):
        raise NotAllowed(_("You may not change the data of this county."))


def may_change_tasks(user, county, report) -> bool:
    """The values' rule: whoever may change the report's values now may change its tasks."""
    return can_write_county_data(user, county) and may_change_values(report, user)


def is_pilot_year(county_id: int, year: int) -> bool:
    return PilotDesignation.objects.filter(
        county_id=county_id, start_year__lte=year, end_year__gte=year
    ).exists()


def _require_pilot_year(county_id: int, year: int) -> None:
    if not is_pilot_year(county_id, year):
        raise InvalidInput(
            _("Task progress is reported for the years of a pilot only; %(year)s is not one.")
            % {"year": year}
        )


def save_task_progress(
    *,
    county: County | int,
    year: int,
    user,
    entries: Mapping[str, TaskEntry],
    expected_version: int | None = None,
    change_reason: str = "",
) -> TaskSaveResult:
    """Store ``entries`` (task code → ``TaskEntry``) for (county, year), all or nothing.

    Tasks absent from ``entries`` keep what is stored. Raises ``NotAllowed``, ``Locked``, ``Conflict`` (the
    report moved on since ``expected_version``) or ``InvalidInput`` listing every problem; then nothing changed.
    """
    county_id = getattr(county, "pk", county)
    _require_change(user, county_id)
    _require_pilot_year(county_id, year)
    tasks = {task.code: task for task in WorkTask.objects.all()}
    problems = []
    cleaned: dict[str, TaskEntry] = {}
    for code, entry in entries.items():
        task = tasks.get(code)
        if task is None:
            problems.append(_("“%(code)s” is not a work-plan task.") % {"code": code})
            continue
        cleaned[code] = entry.cleaned()
        problems.extend(entry_problems(task, cleaned[code]))
    if problems:
        raise InvalidInput(problems=problems)
    with transaction.atomic():
        locked = _lock_report(county_id, year, user, create=True)
        if expected_version not in (None, "") and int(expected_version) != locked.version:
            raise Conflict(ReportConflict(locked).message)
        stored = {row.task.code: row for row in locked.task_progress.select_related("task")}
        result = TaskSaveResult(locked)
        for code, entry in cleaned.items():
            row = stored.get(code)
            if row is None:
                if entry == TaskEntry(TaskStatus.NOT_STARTED):
                    continue  # nothing said about this task yet
                row = TaskProgress(report=locked, task=tasks[code])
                result.created += 1
            elif (row.status, row.progress, row.measures) == (entry.status, entry.progress, entry.measures):
                result.unchanged += 1
                continue
            else:
                result.changed += 1
            row.status, row.progress, row.measures = entry.status, entry.progress, entry.measures
            row._history_user = user
            row._change_reason = change_reason
            row.save()
            result.changed_tasks.append(code)
        if result.changed_tasks:
            _touch(locked, user)
    return result


def ensure_tasks_submittable(report: AnnualReport) -> None:
    """A task marked 已完成 needs its 工作进展; tasks still 未开展 are information, not an error."""
    missing = list(
        report.task_progress.filter(status=TaskStatus.COMPLETED, progress="")
        .select_related("task")
        .values_list("task__name", flat=True)
    )
    if missing:
        raise TransitionNotAllowed(
            _("These tasks are marked completed but say nothing of what was done: %(names)s.")
            % {"names": "、".join(missing)}
        )


def attach_task_evidence(*, county: County | int, year: int, task: WorkTask, user, uploaded) -> TaskEvidence:
    """Check and store an evidence file of ``task`` in (county, year), under the report's lock rule."""
    county_id = getattr(county, "pk", county)
    _require_change(user, county_id)
    _require_pilot_year(county_id, year)
    with transaction.atomic():
        locked = _lock_report(county_id, year, user, create=True)
        progress, _created = TaskProgress.objects.get_or_create(report=locked, task=task)
        evidence = attach_evidence(model=TaskEvidence, user=user, uploaded=uploaded, progress=progress)
        _touch(locked, user)
    return evidence


def delete_task_evidence(*, evidence: TaskEvidence, user) -> None:
    """Remove an evidence file (the row now, the stored file once the transaction commits)."""
    report = evidence.progress.report
    _require_change(user, report.county_id)
    with transaction.atomic():
        locked = _lock_report(report.county_id, report.year, user, create=False)
        name = evidence.file.name
        storage = evidence.file.storage
        TaskEvidence.objects.filter(pk=evidence.pk).delete()
        delete_evidence_files([name], storage)
        _touch(locked, user)
