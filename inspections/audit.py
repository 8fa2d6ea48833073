"""The 检查整改 sheet of the auditor workbook: one row per finding with its colour and days overdue.

Sheet title and headers are a file contract (SPEC §10, the same in every UI language).
"""

from __future__ import annotations

from django.utils import timezone

from config.spreadsheets import escape_cell
from indicators.exporting import AuditSheet

from .models import Colour, FindingCategory, FindingStatus, InspectionKind, Severity
from .selectors import finding_list
from .workflow import days_overdue

SHEET_TITLE = "检查整改"
HEADERS = [
    "盟市",
    "县代码",
    "县名称",
    "检查日期",
    "检查类型",
    "问题类别",
    "严重程度",
    "问题描述",
    "整改要求",
    "整改期限",
    "状态",
    "预警",
    "逾期天数",
    "销号日期",
]
KIND_LABELS = {
    InspectionKind.ADHOC: "不定期检查",
    InspectionKind.FUNDS: "专项资金检查",
    InspectionKind.ANNUAL: "年度考核",
    InspectionKind.ACCEPTANCE: "验收",
}
CATEGORY_LABELS = {
    FindingCategory.MANAGEMENT: "知识产权管理",
    FindingCategory.FUNDS: "资金使用",
    FindingCategory.DATA: "数据质量",
    FindingCategory.TARGETS: "工作目标",
    FindingCategory.OTHER: "其他",
}
SEVERITY_LABELS = {Severity.MINOR: "一般", Severity.SERIOUS: "较重", Severity.SEVERE: "严重"}
STATUS_LABELS = {
    FindingStatus.OPEN: "待整改",
    FindingStatus.ANSWERED: "已提交整改",
    FindingStatus.CLOSED: "已销号",
}
COLOUR_LABELS = {Colour.GREEN: "绿", Colour.BLUE: "蓝", Colour.YELLOW: "黄", Colour.RED: "红"}


def _row(finding, today) -> list:
    inspection = finding.inspection
    county = inspection.county
    closed = timezone.localtime(finding.closed_at).date() if finding.closed_at else None
    return [
        escape_cell(county.league.name),
        escape_cell(county.code),
        escape_cell(county.name),
        inspection.date,
        KIND_LABELS.get(inspection.kind, inspection.kind),
        CATEGORY_LABELS.get(finding.category, finding.category),
        SEVERITY_LABELS.get(finding.severity, finding.severity),
        escape_cell(finding.description),
        escape_cell(finding.requirement),
        finding.deadline,
        STATUS_LABELS.get(finding.status, finding.status),
        COLOUR_LABELS.get(finding.colour, ""),
        days_overdue(finding, today),
        closed,
    ]


def findings_sheet(findings) -> AuditSheet:
    """The 检查整改 sheet for ``findings`` (a scoped queryset from ``selectors.finding_list``)."""
    today = timezone.localdate()
    ordered = findings.order_by("inspection__county__code", "inspection__date", "deadline", "pk")
    return AuditSheet(
        title=SHEET_TITLE,
        headers=HEADERS,
        rows=[_row(finding, today) for finding in ordered],
        number_formats={
            "检查日期": "yyyy-mm-dd",
            "整改期限": "yyyy-mm-dd",
            "销号日期": "yyyy-mm-dd",
            "逾期天数": "0",
        },
        widths={"问题描述": 40, "整改要求": 32},
    )


def audit_sheets(user, year: int | None = None) -> list[AuditSheet]:
    """Every finding in scope; with ``year``, those of inspections held that year."""
    findings = finding_list(user)
    if year:
        findings = findings.filter(inspection__date__year=year)
    return [findings_sheet(findings)]
