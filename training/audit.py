"""The 培训 sheet of the auditor workbook: one row per event with its headcount per audience category.

Sheet title and headers are a file contract (the same in every UI language), like the other audit sheets.
"""

from __future__ import annotations

from config.spreadsheets import escape_cell
from indicators.exporting import AuditSheet

from .models import AudienceCategory, EventKind, TrainingEvent
from .selectors import event_list

SHEET_TITLE = "培训"
CATEGORY_HEADERS = {
    AudienceCategory.MANAGEMENT: "管理人员",
    AudienceCategory.SERVICE: "服务机构人员",
    AudienceCategory.ENTERPRISE: "企事业单位人员",
}
KIND_LABELS = {EventKind.TRAINING: "培训", EventKind.PUBLICITY: "宣传活动"}
HEADERS = [
    "盟市",
    "县代码",
    "县名称",
    "年度",
    "日期",
    "名称",
    "类型",
    *CATEGORY_HEADERS.values(),
    "合计人次",
    "计入培训人次",
    "4·26宣传周",
    "主办单位",
    "地点",
    "证明材料数",
]


def _row(event: TrainingEvent) -> list:
    headcounts = [getattr(event, f"headcount_{c.value}") or 0 for c in CATEGORY_HEADERS]
    organiser = event.organiser_name if event.organiser_name else "县知识产权局"
    return [
        escape_cell(event.county.league.name),
        escape_cell(event.county.code),
        escape_cell(event.county.name),
        event.year,
        event.date,
        escape_cell(event.title),
        KIND_LABELS.get(event.kind, event.kind),
        *headcounts,
        event.headcount,
        "是" if event.kind == EventKind.TRAINING else "否",
        "是" if event.in_publicity_week else "否",
        escape_cell(organiser),
        escape_cell(event.place),
        event.evidence_count,
    ]


def events_sheet(events) -> AuditSheet:
    """The 培训 sheet for ``events`` (a queryset from ``selectors.event_list``, already scoped and filtered)."""
    return AuditSheet(
        title=SHEET_TITLE,
        headers=HEADERS,
        rows=[_row(event) for event in events.order_by("county__code", "date", "pk")],
        number_formats={"日期": "yyyy-mm-dd", "年度": "0"},
        widths={"名称": 36, "主办单位": 24, "地点": 20},
    )


def audit_sheets(user, year: int | None = None) -> list[AuditSheet]:
    return [events_sheet(event_list(user, year=year))]
