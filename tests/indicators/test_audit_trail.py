"""The auditor workbook's trail: cover sheet, 变更记录, 审核记录 and 目标调整 (issue 16, point 10)."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from indicators import services
from indicators.exporting import write_audit_workbook
from indicators.models import GradeBand, Indicator
from tests import factories
from tests.browser.journeys import COMPLETE

pytestmark = pytest.mark.django_db


def _rows(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def trail(county_staff, region):
    factories.PilotFactory(county=factories.county("150121"))
    report = factories.ReportFactory(county=factories.county("150121"), year=2024)
    values = {**COMPLETE, "population": "350000"}
    services.save_report_values(report, values, {}, county_staff, report.version)
    report.refresh_from_db()
    services.save_report_values(report, {"population": "351000"}, {}, county_staff, report.version)
    other = factories.ReportFactory(county=factories.county("150203"), year=2024)
    services.save_report_values(other, {"population": "777777"}, {}, region, other.version)
    report.refresh_from_db()
    services.submit_report(report, county_staff)
    services.return_report(report, region, "人口数请核实", expected_version=report.version)
    indicator = Indicator.objects.get(code="training_headcount")
    services.update_indicator(
        indicator,
        region,
        target=Decimal("120"),
        weight=indicator.weight,
        reason="上调目标",
        effective_year=2025,
    )
    band = GradeBand.objects.get(name="优秀")
    services.update_grade_band(band, region, min_score=Decimal("92"), reason="从严", effective_year=2025)
    return report


def _workbook(user, year=None):
    out = io.BytesIO()
    write_audit_workbook(user, out, year=year)
    out.seek(0)
    return load_workbook(out)


def test_the_workbook_opens_with_a_cover_sheet(trail, auditor):
    workbook = _workbook(auditor, 2024)
    assert workbook.sheetnames[0] == "封面"
    cover = dict((row[0], row[1]) for row in _rows(workbook["封面"])[1:])
    assert "auditor_t" in cover["导出人"] and cover["年度"] == 2024 and cover["平台版本"]
    assert cover["导出时间"] is not None
    assert "变更记录" in cover["工作表"] and "目标调整" in cover["工作表"]


def test_changes_sheet_lists_every_value_change_with_old_new_who_when(trail, auditor):
    rows = _rows(_workbook(auditor)["变更记录"])
    header = rows[0]
    assert header[:8] == ["盟市", "县代码", "县名称", "年度", "字段代码", "字段名称", "原值", "新值"]
    population = [r for r in rows[1:] if r[1] == "150121" and r[4] == "population"]
    assert [(r[6], r[7]) for r in population] == [(None, 350000), (350000, 351000)]
    assert all(r[9] == "county_t" and r[10] is not None for r in population)


def test_review_sheet_lists_every_step_with_its_comment(trail, auditor):
    rows = _rows(_workbook(auditor)["审核记录"])[1:]
    assert [(r[4], r[5], r[8]) for r in rows if r[1] == "150121"] == [
        ("草稿", "已提交", None),
        ("已提交", "已退回", "人口数请核实"),
    ]


def test_catalogue_sheet_lists_target_and_band_changes_with_reason(trail, auditor):
    rows = _rows(_workbook(auditor)["目标调整"])[1:]
    target = next(r for r in rows if r[1] == "training_headcount")
    assert (target[3], target[4], target[5], target[9]) == ("目标值", 100, 120, "上调目标")
    assert target[8] == 2025  # 生效年度
    assert not [r for r in rows if r[1] == "training_headcount" and r[3] == "权重"]  # unchanged
    band = next(r for r in rows if r[0] == "等级")
    assert (band[4], band[5], band[9]) == (90, 92, "从严")


def test_the_trail_is_scoped_like_the_figures(trail, county_staff):
    workbook = _workbook(county_staff)
    assert {r[1] for r in _rows(workbook["变更记录"])[1:]} == {"150121"}
    assert {r[1] for r in _rows(workbook["审核记录"])[1:]} == {"150121"}


def test_a_change_for_every_year_names_the_values_loaded_with_the_catalogue(region, auditor):
    indicator = Indicator.objects.get(code="training_headcount")
    services.update_indicator(
        indicator, region, target=Decimal("150"), weight=indicator.weight, reason="全部"
    )
    rows = _rows(_workbook(auditor)["目标调整"])[1:]
    assert [(r[3], r[4], r[5], r[8]) for r in rows if r[1] == "training_headcount"] == [
        ("目标值", 100, 150, "全部")
    ]
