"""The auditor workbook's trail (SPEC §10, issue 16): a cover sheet and the sheets of what changed and who did it.

* ``封面``: who exported, when, with which filters, from which portal version, and the sheets that follow;
* ``变更记录``: every change of a reported value — county, year, field, old, new, who, when, reason;
* ``审核记录``: every step of a report's workflow with its comment;
* ``目标调整``: every target version (生效年度) of an indicator's target or weight, or of a grade band, with the
  values it replaced, who, when and why.

Titles and headers are a file contract like the other audit sheets (the same in every UI language).
"""

from __future__ import annotations

from decimal import Decimal
from importlib import metadata

from django.utils import timezone

from config.exports import AuditSheet
from counties.models import User
from counties.scoping import visible_counties

from . import catalogue
from .models import AnnualReport, CatalogueVersion, DataElement, DataValue, ReportStatus, ReportTransition

COVER_SHEET = "封面"
CHANGES_SHEET = "变更记录"
CHANGES_HEADERS = [
    "盟市",
    "县代码",
    "县名称",
    "年度",
    "字段代码",
    "字段名称",
    "原值",
    "新值",
    "操作",
    "修改人",
    "修改时间",
    "原因",
    "说明",
]
REVIEW_SHEET = "审核记录"
REVIEW_HEADERS = ["盟市", "县代码", "县名称", "年度", "原状态", "新状态", "操作人", "时间", "意见"]
CATALOGUE_SHEET = "目标调整"
CATALOGUE_HEADERS = ["对象", "代码", "名称", "项目", "原值", "新值", "修改人", "修改时间", "生效年度", "原因"]
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
HISTORY_KINDS = {"+": "新增", "~": "修改", "-": "删除"}
STATUS_NAMES = {
    ReportStatus.DRAFT: "草稿",
    ReportStatus.SUBMITTED: "已提交",
    ReportStatus.APPROVED: "已通过",
    ReportStatus.RETURNED: "已退回",
}
ALL = "全部"


def _who(user) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


def _local(moment):
    """Excel has no time zones: the portal's local time (Asia/Shanghai), naive."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def portal_version() -> str:
    try:
        return metadata.version("ip-pilot-portal")
    except metadata.PackageNotFoundError:
        return "unknown"


def _plain_value(value, element):
    if value is None:
        return None
    if element is not None and element.value_type == "boolean":
        return "是" if value else "否"
    return value


def changes_sheet(user, year: int | None = None) -> AuditSheet:
    """变更记录: every recorded change of a value of the reports ``user`` may see, oldest first."""
    reports = AnnualReport.objects.filter(county__in=visible_counties(user).values("pk"))
    if year:
        reports = reports.filter(year=year)
    report_map = {r.pk: r for r in reports.select_related("county__league")}
    elements = {e.pk: e for e in DataElement.objects.all()}
    history = (
        DataValue.history.filter(report_id__in=list(report_map))
        .order_by("report_id", "element_id", "history_date", "history_id")
        .values_list(
            "report_id",
            "element_id",
            "value",
            "history_type",
            "history_user_id",
            "history_date",
            "history_change_reason",
            "comment",
        )
    )
    rows = []
    last: dict[tuple[int, int], object] = {}
    for report_id, element_id, value, kind, user_id, date, reason, comment in history.iterator(
        chunk_size=2000
    ):
        key = (report_id, element_id)
        old = last.get(key) if kind != "+" else None
        last[key] = value
        if kind == "~" and old == value:
            continue  # only the explanation changed
        report = report_map[report_id]
        element = elements.get(element_id)
        new = None if kind == "-" else value
        rows.append(
            (
                date,
                [
                    report.county.league.name,
                    report.county.code,
                    report.county.name,
                    report.year,
                    element.code if element else "",
                    element.name if element else "",
                    _plain_value(old, element),
                    _plain_value(new, element),
                    HISTORY_KINDS.get(kind, kind),
                    user_id,  # replaced by the name below, all users read in one query
                    _local(date),
                    reason or "",
                    comment or "",
                ],
            )
        )
    users = User.objects.in_bulk({row[9] for _date, row in rows} - {None})
    for _date, row in rows:
        row[9] = _who(users.get(row[9]))
    rows.sort(key=lambda row: row[0])
    return AuditSheet(
        CHANGES_SHEET,
        CHANGES_HEADERS,
        [row for _time, row in rows],
        number_formats={"年度": "0", "原值": "#,##0.####", "新值": "#,##0.####", "修改时间": TIME_FORMAT},
        widths={
            "盟市": 14,
            "县名称": 14,
            "字段代码": 24,
            "字段名称": 26,
            "修改时间": 20,
            "原因": 30,
            "说明": 30,
        },
    )


def review_sheet(user, year: int | None = None) -> AuditSheet:
    """审核记录: every workflow step (submit, approve, return, reopen…) with its comment, oldest first."""
    steps = ReportTransition.objects.filter(report__county__in=visible_counties(user).values("pk"))
    if year:
        steps = steps.filter(report__year=year)
    steps = steps.select_related("report__county__league", "actor").order_by("created_at", "pk")
    rows = (
        [
            step.report.county.league.name,
            step.report.county.code,
            step.report.county.name,
            step.report.year,
            STATUS_NAMES.get(step.from_status, step.from_status),
            STATUS_NAMES.get(step.to_status, step.to_status),
            _who(step.actor),
            _local(step.created_at),
            step.comment,
        ]
        for step in steps.iterator(chunk_size=2000)
    )
    return AuditSheet(
        REVIEW_SHEET,
        REVIEW_HEADERS,
        rows,
        number_formats={"年度": "0", "时间": TIME_FORMAT},
        widths={"盟市": 14, "县名称": 14, "时间": 20, "意见": 50},
    )


def _as_loaded(version) -> dict:
    """The values the data migration loaded (it keeps no history)."""
    if version.indicator_id:
        for code, *_rest, target in catalogue.INDICATORS:
            if code == version.indicator.code:
                return {"target": None if target is None else Decimal(target), "weight": Decimal(1)}
        return {}
    for name, _name_en, min_score in catalogue.GRADE_BANDS:
        if name == version.band.name:
            return {"min_score": min_score}
    return {}


def catalogue_sheet(user=None, year: int | None = None) -> AuditSheet:
    """目标调整: every target version (生效年度) of an indicator's target and weight or a grade band's minimum
    score, against the version in force before it (the catalogue is the same for everyone)."""
    versions = CatalogueVersion.objects.select_related("indicator", "band", "created_by").order_by(
        "indicator_id", "band_id", "effective_year"
    )
    rows = []
    before: dict[tuple, CatalogueVersion] = {}
    for version in versions:
        key = (version.indicator_id, version.band_id)
        previous = before.get(key)
        before[key] = version
        if version.effective_year == 0 and not version.reason:
            continue  # the values loaded with the catalogue, not a change
        if version.indicator_id:
            kind, code, name = "指标", version.indicator.code, version.indicator.name
            fields = (("target", "目标值"), ("weight", "权重"))
        else:
            kind, code, name = "等级", "", version.band.name
            fields = (("min_score", "最低分"),)
        for field_name, label in fields:
            if previous is not None:
                old = getattr(previous, field_name)
            elif version.effective_year:  # the first version: the catalogue row's values were in force
                old = getattr(version.indicator or version.band, field_name)
            else:  # a change of every year overwrote the first values: those loaded with the catalogue
                old = _as_loaded(version).get(field_name)
            new = getattr(version, field_name)
            if old == new:
                continue
            rows.append(
                (
                    version.created_at,
                    [
                        kind,
                        code,
                        name,
                        label,
                        old,
                        new,
                        _who(version.created_by),
                        _local(version.created_at),
                        version.effective_year or ALL,
                        version.reason,
                    ],
                )
            )
    rows.sort(key=lambda row: row[0])
    return AuditSheet(
        CATALOGUE_SHEET,
        CATALOGUE_HEADERS,
        [row for _time, row in rows],
        number_formats={"原值": "#,##0.####", "新值": "#,##0.####", "修改时间": TIME_FORMAT, "生效年度": "0"},
        widths={"名称": 26, "修改时间": 20, "生效年度": 12, "原因": 40},
    )


def trail_sheets(user, year: int | None = None) -> list[AuditSheet]:
    return [changes_sheet(user, year), review_sheet(user, year), catalogue_sheet(user, year)]


def cover_sheet(
    user, *, year: int | None, sheets: list[AuditSheet], filters: dict | None = None
) -> AuditSheet:
    """封面: the export's provenance and what the following sheets hold."""
    if user.is_authenticated and getattr(user, "pk", None):
        who = f"{_who(user)}（{user.get_username()}）"
    else:
        who = _who(user) if user.get_username() else "命令行导出"
    scope = getattr(user, "county", None) or getattr(user, "league", None)
    rows = [
        ["工作簿", "内蒙古自治区知识产权强县工程试点县 审计工作簿"],
        ["导出人", who],
        ["角色", str(user.get_role_display()) if hasattr(user, "get_role_display") else ""],
        ["数据范围", scope.name if scope is not None else "全区"],
        ["导出时间", _local(timezone.now())],
        ["年度", year or ALL],
        *([[name, value or ALL] for name, value in (filters or {}).items()]),
        ["平台版本", portal_version()],
        ["工作表", "、".join(str(sheet.title) for sheet in sheets)],
    ]
    return AuditSheet(
        COVER_SHEET,
        ["项目", "内容"],
        rows,
        widths={"项目": 14, "内容": 60},
    )
