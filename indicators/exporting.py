"""Excel exports (SPEC §10): the wide data-entry template, the auditor workbook and list-page exports.

* ``write_template``: labels row (Chinese names with units), codes row (``county_code, county_name, year,
  <typed element codes>``), one row per county pre-filled with what is stored, yes-no lists and number
  formats; the import reads it back (``indicators.importing``).
* ``write_audit_workbook``: a cover sheet 封面, sheets 汇总, 指标明细, 原始数据, then the sheets other apps
  contribute through the hook (any app may define ``<app>/audit.py`` with ``audit_sheets(user, year) ->
  list[AuditSheet]``), then the trail of ``indicators.audit_trail``: 变更记录, 审核记录, 目标调整.
* ``write_sheets`` / ``xlsx_response``: every export goes through one writer (openpyxl write-only mode,
  frozen header, autofilter, number formats) and every text cell through ``config.spreadsheets.escape_cell``.

Sheet titles and the Chinese column headers of the template and the auditor workbook are a file contract
fixed by SPEC §10 (the same in every UI language), so they are constants here rather than translations.
"""

from __future__ import annotations

import importlib
import importlib.util
from decimal import Decimal

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from config.exports import HEADER_FILL, HEADER_FONT, NO, YES, AuditSheet, write_sheets
from config.exports import xlsx_response as xlsx_response  # re-exported: the writer lives in config.exports
from config.registry import derived_values
from config.spreadsheets import escape_cell
from counties.models import County
from counties.scoping import visible_counties

from .audit_trail import cover_sheet, trail_sheets
from .importing import CODE_HEADER, NAME_HEADER, YEAR_HEADER
from .models import (
    AnnualReport,
    CountyYearScore,
    DataElement,
    DataValue,
    Indicator,
    IndicatorResult,
    ReportStatus,
    ResultStatus,
    Rule,
    ValueType,
)
from .workplan_exports import tasks_sheet

TEMPLATE_SHEET = "年度数据"
TEMPLATE_HELP_SHEET = "填写说明"
TEMPLATE_FIXED_LABELS = ("县代码", "县名称", "年度")
TEMPLATE_EXTRA_ROWS = 200

SUMMARY_SHEET = "汇总"
SUMMARY_HEADERS = [
    "盟市",
    "县代码",
    "县名称",
    "年度",
    "得分",
    "等级",
    "达标数",
    "考核指标数",
    "报送状态",
    "正式/暂定",
]
DETAIL_SHEET = "指标明细"
DETAIL_HEADERS = [
    "县代码",
    "县名称",
    "年度",
    "指标代码",
    "指标名称",
    "值",
    "上年值",
    "目标",
    "规则",
    "状态",
    "原因",
]
RAW_SHEET = "原始数据"
RAW_FIXED_HEADERS = ["县代码", "县名称", "年度"]

INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
VALUE_FORMAT = "#,##0.####"
YEAR_FORMAT = "0"
CODES_FONT = Font(color="808080", size=9)


# -- the template ---------------------------------------------------------------------------------------


def template_elements() -> list[DataElement]:
    return list(DataElement.objects.filter(is_derived=False).order_by("order", "code"))


def element_label(element: DataElement) -> str:
    return f"{element.name}（{element.unit}）" if element.unit else element.name


def write_template(counties: QuerySet[County], year: int, out) -> int:
    """Write the wide template for ``year`` with one row per county of ``counties``; returns the row count.

    Rows are pre-filled with the values already stored, so a county can correct and re-import them.
    """
    elements = template_elements()
    counties = list(counties.order_by("code"))
    stored: dict[tuple[int, int], Decimal | None] = {
        (county_id, element_id): value
        for county_id, element_id, value in DataValue.objects.filter(
            report__county__in=[c.pk for c in counties], report__year=year, element__in=elements
        ).values_list("report__county_id", "element_id", "value")
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    labels = [*TEMPLATE_FIXED_LABELS, *(escape_cell(element_label(e)) for e in elements)]
    codes = [CODE_HEADER, NAME_HEADER, YEAR_HEADER, *(e.code for e in elements)]
    sheet.append(labels)
    sheet.append(codes)
    for county in counties:
        row = [county.code, escape_cell(county.name), year]
        for element in elements:
            value = stored.get((county.pk, element.pk))
            if value is None:
                row.append(None)
            elif element.value_type == ValueType.BOOLEAN:
                row.append(YES if value else NO)
            elif element.value_type == ValueType.INTEGER:
                row.append(int(value))
            else:
                row.append(int(value) if value == value.to_integral_value() else value)
        sheet.append(row)
    last_row = 2 + len(counties) + TEMPLATE_EXTRA_ROWS
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell in sheet[2]:
        cell.font = CODES_FONT
    sheet.row_dimensions[1].height = 45
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 8
    yes_no = DataValidation(
        type="list",
        formula1=f'"{YES},{NO}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Yes or no"),
        error=_("Choose 是 or 否 from the list."),
    )
    sheet.add_data_validation(yes_no)
    for position, element in enumerate(elements, start=4):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 14
        if element.value_type == ValueType.BOOLEAN:
            yes_no.add(f"{letter}3:{letter}{last_row}")
            continue
        number_format = INTEGER_FORMAT if element.value_type == ValueType.INTEGER else DECIMAL_FORMAT
        for (cell,) in sheet.iter_rows(min_row=3, max_row=last_row, min_col=position, max_col=position):
            cell.number_format = number_format
    for (cell,) in sheet.iter_rows(min_row=3, max_row=last_row, min_col=3, max_col=3):
        cell.number_format = YEAR_FORMAT
    sheet.freeze_panes = "D3"
    _write_template_help(workbook, elements)
    workbook.save(out)
    return len(counties)


def _write_template_help(workbook: Workbook, elements: list[DataElement]) -> None:
    sheet = workbook.create_sheet(TEMPLATE_HELP_SHEET)
    sheet.append([_("Code"), _("Name"), _("Unit"), _("Type"), _("Note")])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    for element in elements:
        sheet.append(
            [
                escape_cell(text)
                for text in (
                    element.code,
                    element.name,
                    element.unit,
                    str(element.get_value_type_display()),
                    element.hint,
                )
            ]
        )
    sheet.append([])
    for line in (
        _(
            "Fill the first sheet only and keep its codes row (the second row); the labels row may be removed."
        ),
        _("A blank cell keeps the value already stored; rows without any value are skipped."),
        _("Yes-no cells accept 是/否, Y/N or 1/0; numbers may contain thousands separators."),
        _(
            "Training headcount and 4·26 publicity events are computed from event records and are not imported."
        ),
        _("One wrong cell refuses the whole file: the preview lists every problem by row and column."),
    ):
        sheet.append([line])
    for letter, width in zip("ABCDE", (30, 36, 8, 10, 30), strict=True):
        sheet.column_dimensions[letter].width = width


# -- the auditor workbook -----------------------------------------------------------------------------


def audit_pairs_queryset(user, year: int | None = None) -> QuerySet[AnnualReport]:
    qs = AnnualReport.objects.filter(county__in=visible_counties(user).values("pk"))
    return qs.filter(year=year) if year else qs


def summary_sheet(user, year: int | None = None, *, league: str = "", status: str = "") -> AuditSheet:
    """汇总: one row per (county, year) with a report or a stored score (``status``: only reports in it)."""
    counties = visible_counties(user)
    if league:
        counties = counties.filter(league__code=league)
    county_map = {c.pk: c for c in counties.select_related("league")}
    scores = CountyYearScore.objects.filter(county_id__in=county_map)
    reports = AnnualReport.objects.filter(county_id__in=county_map)
    if year:
        scores, reports = scores.filter(year=year), reports.filter(year=year)
    if status:
        reports = reports.filter(status=status)
    by_pair: dict[tuple[int, int], list] = {}
    for county_id, score_year, *score in scores.values_list(
        "county_id", "year", "score", "grade", "met_count", "scored_count"
    ):
        by_pair.setdefault((county_id, score_year), [None, None])[0] = score
    for county_id, report_year, report_status in reports.values_list("county_id", "year", "status"):
        by_pair.setdefault((county_id, report_year), [None, None])[1] = report_status
    if status:
        by_pair = {pair: found for pair, found in by_pair.items() if found[1] is not None}
    not_reported = _("Not reported")
    labels = {value: str(label) for value, label in ReportStatus.choices}
    rows = []
    for county_id, pair_year in sorted(by_pair, key=lambda p: (county_map[p[0]].code, p[1])):
        score, report_status = by_pair[(county_id, pair_year)]
        county = county_map[county_id]
        score_value, grade, met, scored = score if score else (None, "", None, None)
        rows.append(
            [
                county.league.name,
                county.code,
                county.name,
                pair_year,
                score_value,
                grade,
                met,
                scored,
                labels.get(report_status, report_status) if report_status else not_reported,
                _finality(score_value, report_status),
            ]
        )
    return AuditSheet(
        SUMMARY_SHEET,
        SUMMARY_HEADERS,
        rows,
        number_formats={"年度": YEAR_FORMAT, "得分": "0.00", "达标数": "0", "考核指标数": "0"},
        widths={"盟市": 16, "县名称": 16, "报送状态": 10, "正式/暂定": 10},
    )


def _finality(score: Decimal | None, report_status: str | None) -> str:
    """正式 (final: the report is approved) or 暂定 (provisional); empty without a score."""
    if score is None:
        return ""
    return "正式" if report_status == ReportStatus.APPROVED else "暂定"


def detail_sheet(user, year: int | None = None, *, league: str = "", county: str = "", status: str = ""):
    """指标明细: one row per stored indicator result (rows from ``values_list``, labels looked up in maps built
    once, so no model instance and no lazy translation per cell)."""
    results = IndicatorResult.objects.filter(county__in=visible_counties(user).values("pk"))
    if year:
        results = results.filter(year=year)
    if league:
        results = results.filter(county__league__code=league)
    if county:
        results = results.filter(county__code=county)
    if status:
        results = results.filter(status=status)
    results = results.order_by("county__code", "year", "indicator__order").values_list(
        "county_id", "year", "indicator_id", "value", "previous_value", "target", "status", "reason"
    )
    counties = {pk: (code, name) for pk, code, name in County.objects.values_list("pk", "code", "name")}
    rules = {value: str(label) for value, label in Rule.choices}
    indicators = {
        pk: (code, name, rules.get(rule, rule))
        for pk, code, name, rule in Indicator.objects.values_list("pk", "code", "name", "rule")
    }
    statuses = {value: str(label) for value, label in ResultStatus.choices}

    def rows():
        for (
            county_id,
            result_year,
            indicator_id,
            value,
            previous,
            target,
            result_status,
            reason,
        ) in results.iterator(chunk_size=5000):
            code, name = counties[county_id]
            indicator_code, indicator_name, rule = indicators[indicator_id]
            yield (
                code,
                name,
                result_year,
                indicator_code,
                indicator_name,
                value,
                previous,
                target,
                rule,
                statuses.get(result_status, result_status),
                reason,
            )

    return AuditSheet(
        DETAIL_SHEET,
        DETAIL_HEADERS,
        rows(),
        number_formats={
            "年度": YEAR_FORMAT,
            "值": VALUE_FORMAT,
            "上年值": VALUE_FORMAT,
            "目标": VALUE_FORMAT,
        },
        widths={"指标代码": 26, "指标名称": 26, "规则": 22, "原因": 40},
    )


def raw_sheet(user, year: int | None = None) -> AuditSheet:
    """原始数据: one row per report, one column per element code (derived ones from training records)."""
    elements = list(DataElement.objects.order_by("order", "code"))
    reports = list(audit_pairs_queryset(user, year).select_related("county").order_by("county__code", "year"))
    values: dict[int, dict[int, Decimal | None]] = {}
    for report_id, element_id, value in DataValue.objects.filter(
        report__in=[r.pk for r in reports]
    ).values_list("report_id", "element_id", "value"):
        values.setdefault(report_id, {})[element_id] = value
    derived = derived_values([(r.county_id, r.year) for r in reports]) if reports else {}
    rows = []
    for report in reports:
        row = [report.county.code, report.county.name, report.year]
        stored = values.get(report.pk, {})
        extra = derived.get((report.county_id, report.year), {})
        for element in elements:
            value = extra.get(element.code) if element.is_derived else stored.get(element.pk)
            if value is not None and element.value_type == ValueType.BOOLEAN:
                value = YES if value else NO
            row.append(value)
        rows.append(row)
    formats: dict[int | str, str] = {"年度": YEAR_FORMAT}
    for position, element in enumerate(elements, start=len(RAW_FIXED_HEADERS)):
        if element.value_type == ValueType.INTEGER:
            formats[position] = INTEGER_FORMAT
        elif element.value_type == ValueType.DECIMAL:
            formats[position] = VALUE_FORMAT
    return AuditSheet(
        RAW_SHEET,
        [*RAW_FIXED_HEADERS, *(e.code for e in elements)],
        rows,
        number_formats=formats,
        widths={position: 14 for position in range(len(RAW_FIXED_HEADERS), len(elements) + 3)},
    )


def contributed_sheets(user, year: int | None = None) -> list[AuditSheet]:
    """Sheets from every installed app's ``audit.py`` (``audit_sheets(user, year)``), in INSTALLED_APPS order."""
    sheets: list[AuditSheet] = []
    for config in apps.get_app_configs():
        if config.name == "indicators":
            continue
        module_name = f"{config.name}.audit"
        if importlib.util.find_spec(module_name) is None:
            continue
        contribute = getattr(importlib.import_module(module_name), "audit_sheets", None)
        if contribute is not None:
            sheets.extend(contribute(user, year))
    return sheets


def audit_sheets(user, year: int | None = None) -> list[AuditSheet]:
    """The auditor workbook's sheets: 封面 (cover), the figures, the contributed sheets, then the trail."""
    sheets = [
        summary_sheet(user, year),
        detail_sheet(user, year),
        raw_sheet(user, year),
        tasks_sheet(user, year),
        *contributed_sheets(user, year),
        *trail_sheets(user, year),
    ]
    return [cover_sheet(user, year=year, sheets=sheets), *sheets]


def write_audit_workbook(user, out, *, year: int | None = None) -> None:
    """The auditor workbook (SPEC §10), scoped to what ``user`` may see."""
    write_sheets(audit_sheets(user, year), out)


def audit_file_name(year: int | None) -> str:
    return f"审计工作簿-{year}.xlsx" if year else "审计工作簿.xlsx"
