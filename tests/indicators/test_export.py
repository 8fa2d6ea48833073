"""The auditor workbook and list-page exports: sheets, headers, scope, escaping, round trip, query counts."""

import importlib.machinery
import io
import sys
import types
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from counties.models import County
from indicators import exporting
from indicators.exporting import AuditSheet, audit_sheets, write_audit_workbook, write_sheets, write_template
from indicators.importing import import_workbook
from indicators.models import CountyYearScore, Indicator, IndicatorResult
from tests import factories
from tests.indicators.excel_support import FILLED, row, sheet_rows, workbook_bytes

pytestmark = pytest.mark.django_db

SUMMARY = [
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
DETAIL = ["县代码", "县名称", "年度", "指标代码", "指标名称", "值", "上年值", "目标", "规则", "状态"]


def workbook_for(user, year=None):
    buffer = io.BytesIO()
    write_audit_workbook(user, buffer, year=year)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def downloaded(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def stored_result(code="150121", year=2024, indicator="trademarks", **fields):
    county = factories.county(code)
    defaults = {"status": "met", "value": Decimal("10"), "computed_at": timezone.now(), **fields}
    return IndicatorResult.objects.create(
        county=county, year=year, indicator=Indicator.objects.get(code=indicator), **defaults
    )


def stored_score(code="150121", year=2024, score="80"):
    return CountyYearScore.objects.create(
        county=factories.county(code),
        year=year,
        score=Decimal(score),
        grade="良好",
        met_count=12,
        scored_count=15,
        computed_at=timezone.now(),
    )


def test_sheets_and_header_rows_follow_the_spec(auditor):
    workbook = workbook_for(auditor)
    assert workbook.sheetnames[:4] == ["封面", "汇总", "指标明细", "原始数据"]
    assert [c.value for c in workbook["汇总"][1]] == SUMMARY
    assert [c.value for c in workbook["指标明细"][1]][: len(DETAIL)] == DETAIL
    raw_headers = [c.value for c in workbook["原始数据"][1]]
    assert raw_headers[:4] == ["县代码", "县名称", "年度", "population"]
    assert "training_headcount" in raw_headers
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")


def test_template_fill_import_export_round_trip(county_staff, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    write_template(County.objects.filter(code="150121"), 2024, buffer)
    template = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = template.worksheets[0]
    codes = [c.value for c in sheet[2]]
    for code, value in FILLED.items():
        sheet.cell(row=3, column=codes.index(code) + 1, value=value)
    filled = io.BytesIO()
    template.save(filled)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_workbook(filled.getvalue(), "filled.xlsx", county_staff)
    assert result.landed
    workbook = workbook_for(county_staff, 2024)
    raw = sheet_rows(workbook["原始数据"])
    header, (data,) = raw[0], raw[1:]
    exported = dict(zip(header, data, strict=True))
    assert (exported["县代码"], exported["县名称"], exported["年度"]) == ("150121", "土默特左旗", 2024)
    for code, value in FILLED.items():
        assert exported[code] == value, code
    summary = sheet_rows(workbook["汇总"])[1:]
    assert [(r[1], r[3], r[8]) for r in summary] == [("150121", 2024, "草稿")]
    details = sheet_rows(workbook["指标明细"])[1:]
    assert {r[3] for r in details} == set(Indicator.objects.values_list("code", flat=True))


def test_the_workbook_is_scoped_to_what_the_user_may_see(county_staff, league_staff, auditor, region):
    import_workbook(
        workbook_bytes([row(), row(code="150122", name="托克托县"), row(code="150203", name="昆都仑区")]),
        "a.xlsx",
        region,
    )
    for code in ("150121", "150122", "150203"):
        stored_result(code)
        stored_score(code)
    expected = {
        county_staff: {"150121"},
        league_staff: {"150121", "150122"},
        auditor: {"150121", "150122", "150203"},
    }
    for user, codes in expected.items():
        workbook = workbook_for(user)
        assert {r[1] for r in sheet_rows(workbook["汇总"])[1:]} == codes
        assert {r[0] for r in sheet_rows(workbook["指标明细"])[1:]} == codes
        assert {r[0] for r in sheet_rows(workbook["原始数据"])[1:]} == codes


def test_year_filter_and_one_row_per_fact(auditor):
    stored_result(year=2023)
    stored_result(year=2024)
    stored_result(year=2024, indicator="gi_products")
    stored_score(year=2024)
    workbook = workbook_for(auditor, 2024)
    assert [r[2:4] for r in sheet_rows(workbook["指标明细"])[1:]] == [
        [2024, "trademarks"],
        [2024, "gi_products"],
    ]
    (summary,) = sheet_rows(workbook["汇总"])[1:]
    assert summary[4:9] == [80, "良好", 12, 15, "未报送"]


def test_text_cells_are_escaped_against_formulas(auditor, monkeypatch):
    stored_result(reason='=HYPERLINK("http://evil","x")')
    module = types.ModuleType("fakeapp.audit")
    module.__spec__ = importlib.machinery.ModuleSpec("fakeapp.audit", None)
    module.audit_sheets = lambda user, year: [
        AuditSheet("=外部", ["=标题", "数"], [["+cmd|' /C calc'!A0", -5], ["@SUM(A1)", Decimal("1.50")]])
    ]
    monkeypatch.setitem(sys.modules, "fakeapp.audit", module)
    configs = [*exporting.apps.get_app_configs(), types.SimpleNamespace(name="fakeapp")]
    monkeypatch.setattr(exporting.apps, "get_app_configs", lambda: configs)
    workbook = workbook_for(auditor)
    detail = sheet_rows(workbook["指标明细"])[1]
    assert detail[10] == '\'=HYPERLINK("http://evil","x")'
    contributed = workbook.worksheets[workbook.sheetnames.index("'=外部")]
    assert contributed.title == "'=外部"
    assert sheet_rows(contributed) == [["'=标题", "数"], ["'+cmd|' /C calc'!A0", -5], ["'@SUM(A1)", 1.5]]
    for cell_row in contributed.iter_rows():
        for cell in cell_row:
            assert cell.data_type != "f"


def test_number_formats_are_set(auditor):
    stored_score()
    stored_result(value=Decimal("12.3456"))
    workbook = workbook_for(auditor)
    assert workbook["汇总"]["E2"].number_format == "0.00"
    assert workbook["指标明细"]["F2"].number_format == "#,##0.####"


def test_contributed_sheets_follow_the_indicator_sheets(auditor):
    titles = [sheet.title for sheet in audit_sheets(auditor)]
    contributed = [sheet.title for sheet in exporting.contributed_sheets(auditor)]
    assert titles == [
        "封面",
        "汇总",
        "指标明细",
        "原始数据",
        "工作任务",
        *contributed,
        "变更记录",
        "审核记录",
        "目标调整",
    ]


def test_the_export_is_a_constant_number_of_queries(auditor, region, django_assert_max_num_queries):
    counties = list(County.objects.order_by("code")[:40])
    rows = [row(code=c.code, name=c.name, year=y) for c in counties for y in (2023, 2024)]
    import_workbook(workbook_bytes(rows), "a.xlsx", region)
    for county in counties:
        stored_result(county.code)
        stored_score(county.code)
    with django_assert_max_num_queries(30):
        workbook = workbook_for(auditor)
    assert len(sheet_rows(workbook["原始数据"])) == 81


def test_the_command_writes_the_workbook(tmp_path, county_staff):
    stored_score("150121")
    stored_score("150122")
    out = tmp_path / "audit.xlsx"
    call_command("export_audit", str(out), "--year", "2024", stdout=StringIO())
    assert {r[1] for r in sheet_rows(load_workbook(out)["汇总"])[1:]} == {"150121", "150122"}
    call_command("export_audit", str(out), "--user", county_staff.username, stdout=StringIO())
    assert {r[1] for r in sheet_rows(load_workbook(out)["汇总"])[1:]} == {"150121"}


# -- pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["region", "auditor", "league_staff", "county_staff"])
def test_every_role_can_open_the_export_page_and_download_the_workbook(who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    page = client.get(reverse("indicators:exports"))
    assert page.status_code == 200
    assert reverse("indicators:export_audit") in page.content.decode()
    workbook = downloaded(client.get(reverse("indicators:export_audit"), {"year": 2024}))
    assert workbook.sheetnames[:4] == ["封面", "汇总", "指标明细", "原始数据"]


def test_results_export_applies_the_filters_and_the_scope(client_for, league_staff):
    stored_result("150121", status="met")
    stored_result("150121", indicator="gi_products", status="not_met")
    stored_result("150203", status="not_met")
    client = client_for(league_staff)
    workbook = downloaded(
        client.get(reverse("indicators:export_results"), {"year": 2024, "status": "not_met"})
    )
    assert [(r[0], r[3], r[9]) for r in sheet_rows(workbook.worksheets[0])[1:]] == [
        ("150121", "gi_products", "未达标")
    ]


def test_summary_export(client_for, region):
    stored_score("150121")
    stored_score("150203")
    workbook = downloaded(client_for(region).get(reverse("indicators:export_summary"), {"league": "150100"}))
    assert [r[1] for r in sheet_rows(workbook.worksheets[0])[1:]] == ["150121"]


def test_the_county_list_exports_what_it_shows(client_for, county_staff, region):
    page = client_for(region).get(reverse("counties:list"), {"league": "150100"})
    assert "format=xlsx" in page.content.decode()
    workbook = downloaded(
        client_for(region).get(reverse("counties:list"), {"league": "150100", "format": "xlsx"})
    )
    rows = sheet_rows(workbook.worksheets[0])
    assert rows[0][:3] == ["县代码", "县名称", "盟市"]
    expected = list(
        County.objects.filter(league__code="150100").order_by("code").values_list("code", flat=True)
    )
    assert [r[0] for r in rows[1:]] == expected
    own = downloaded(client_for(county_staff).get(reverse("counties:list"), {"format": "xlsx"}))
    assert [r[0] for r in sheet_rows(own.worksheets[0])[1:]] == ["150121"]


def test_write_sheets_handles_an_empty_workbook(tmp_path):
    out = tmp_path / "empty.xlsx"
    write_sheets([], out)
    assert len(load_workbook(out).worksheets) == 1


def test_the_results_and_completeness_pages_link_to_their_exports(client_for, region, county_staff):
    county_page = client_for(county_staff).get(reverse("indicators:county_dashboard", args=["150121"]))
    assert county_page.status_code == 200
    assert f"{reverse('indicators:export_results')}?county=150121" in county_page.content.decode()
    grid = client_for(region).get(reverse("indicators:completeness"), {"league": "150100"})
    assert grid.status_code == 200
    assert f"{reverse('indicators:export_summary')}?league=150100" in grid.content.decode()


def test_the_review_queue_exports_the_submitted_reports(client_for, region):
    from indicators.models import ReportStatus

    factories.ReportFactory(county=factories.county("150121"), year=2024, status=ReportStatus.SUBMITTED)
    factories.ReportFactory(county=factories.county("150122"), year=2024, status=ReportStatus.DRAFT)
    stored_score("150122")
    queue = client_for(region).get(reverse("indicators:review_queue"))
    assert f"{reverse('indicators:export_summary')}?status=submitted" in queue.content.decode()
    workbook = downloaded(
        client_for(region).get(reverse("indicators:export_summary"), {"status": "submitted"})
    )
    assert [(r[1], r[8]) for r in sheet_rows(workbook.worksheets[0])[1:]] == [("150121", "已提交")]


def test_the_dashboard_links_to_the_summary_export_of_its_year(client_for, region):
    stored_score("150121", year=2024)
    page = client_for(region).get(reverse("indicators:dashboard"), {"year": 2024})
    assert f"{reverse('indicators:export_summary')}?year=2024" in page.content.decode()
