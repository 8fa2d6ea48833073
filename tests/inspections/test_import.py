"""import_findings: the findings list through the spreadsheet pipeline; idempotent, all or nothing, region only."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from inspections.importing import import_findings
from inspections.models import Finding, Inspection

pytestmark = pytest.mark.django_db

CODES = [
    "county_code",
    "county_name",
    "inspection_date",
    "inspection_kind",
    "category",
    "severity",
    "description",
    "requirement",
    "deadline",
]
ROWS = [
    [
        "150121",
        "土默特左旗",
        datetime.date(2025, 3, 1),
        "专项资金检查",
        "资金使用",
        "较重",
        "未专账核算",
        "建立专账",
        datetime.date(2025, 6, 30),
    ],
    [
        "150121",
        "土默特左旗",
        datetime.date(2025, 3, 1),
        "专项资金检查",
        "知识产权管理",
        "一般",
        "制度不全",
        "",
        datetime.date(2025, 5, 31),
    ],
    ["150122", "托克托县", "2025-04-02", "年度考核", "数据质量", "", "数据缺佐证", "补充", "2025-07-01"],
]


def workbook(rows=ROWS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "县代码",
            "县名称",
            "检查日期",
            "检查类型",
            "问题类别",
            "严重程度",
            "问题描述",
            "整改要求",
            "整改期限",
        ]
    )
    sheet.append(CODES)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_importing_twice_changes_nothing(region, county_staff):
    first = import_findings(region, workbook(), file_name="list.xlsx")
    assert first.ok and first.created == 3 and first.batch is not None
    assert Inspection.objects.count() == 2 and Finding.objects.count() == 3
    assert county_staff.notifications.count() == 2
    second = import_findings(region, workbook(), file_name="list.xlsx")
    assert second.ok and second.created == 0 and second.changed == 0 and second.unchanged == 3
    assert second.batch is None and Finding.objects.count() == 3


def test_a_changed_deadline_updates_the_finding(region):
    import_findings(region, workbook())
    rows = [list(r) for r in ROWS]
    rows[0][8] = datetime.date(2025, 9, 30)
    result = import_findings(region, workbook(rows))
    assert result.ok and result.changed == 1
    assert Finding.objects.get(description="未专账核算").deadline == datetime.date(2025, 9, 30)


def test_one_bad_row_refuses_the_whole_file(region):
    rows = [list(r) for r in ROWS] + [
        ["999999", "", "2025-03-01", "巡查", "资金使用", "一般", "x", "", "2025-01-01"]
    ]
    result = import_findings(region, workbook(rows))
    assert not result.ok and Finding.objects.count() == 0
    columns = {p.field for p in result.problems}
    assert {"county_code", "inspection_kind"} <= columns


def test_only_the_region_imports(county_staff, league_staff):
    for user in (county_staff, league_staff):
        result = import_findings(user, workbook())
        assert not result.ok and Finding.objects.count() == 0


def test_command_and_dry_run(region, tmp_path, capsys):
    path = tmp_path / "findings.xlsx"
    path.write_bytes(workbook())
    call_command("import_findings", str(path), "--user", region.username, "--dry-run")
    assert Finding.objects.count() == 0 and "dry run" in capsys.readouterr().out
    call_command("import_findings", str(path), "--user", region.username)
    assert Finding.objects.count() == 3
    call_command("import_findings", str(path), "--user", region.username)
    assert "3 unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([["150121", "", "2025-03-01", "x", "x", "", "", "", ""]]))
    with pytest.raises(CommandError):
        call_command("import_findings", str(bad), "--user", region.username)


def test_the_import_pages_preview_then_land(client_for, region, county_staff):
    from tests.import_pages import confirm, upload_and_preview

    url = reverse("inspections:finding_import")
    assert client_for(county_staff).get(url).status_code == 403
    assert client_for(county_staff).post(reverse("inspections:finding_import_confirm")).status_code == 403
    client = client_for(region)
    preview = upload_and_preview(client, url, workbook())
    shown = preview.context["preview"]
    assert (shown["created"], shown["changed"], shown["unchanged"]) == (3, 0, 0)
    assert Finding.objects.count() == 0
    response = confirm(client, preview)
    assert response.status_code == 302 and response["Location"] == reverse("inspections:finding_list")
    assert Finding.objects.count() == 3
    again = upload_and_preview(client, url, workbook()).context["preview"]
    assert [row["action"] for row in again["rows"]] == ["unchanged"] * 3
