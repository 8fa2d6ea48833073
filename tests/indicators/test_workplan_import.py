"""``import_tasks`` and its page (SPEC §10): the template round trip, idempotence, refusals, locking."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from indicators import services
from indicators.models import AnnualReport, ImportBatch, ReportStatus, TaskProgress
from indicators.services.workplan import TaskEntry, save_task_progress
from indicators.workplan_exports import TEMPLATE_CODES, TEMPLATE_LABELS, template_sheet
from indicators.workplan_importing import import_tasks
from tests import factories
from tests.import_pages import confirm, upload_and_preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(db):
    return factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)


def workbook(rows, *, labels=True) -> bytes:
    book = Workbook()
    sheet = book.active
    if labels:
        sheet.append(TEMPLATE_LABELS)
    sheet.append(TEMPLATE_CODES)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [
    ("150121", "土默特左旗", 2024, "system", "已完成", "成立知识产权工作领导小组\n印发工作方案", "纳入考核"),
    ("150121", "土默特左旗", 2024, "navigation", "推进中", "遴选两个导航项目", ""),
    ("150121", "土默特左旗", 2024, "review", "未开展", "", ""),
]


def stored():
    return sorted(TaskProgress.objects.values_list("task__code", "status", "progress", "measures"))


def test_importing_the_same_file_twice_changes_nothing(county_staff, pilot):
    data = workbook(ROWS)
    result = import_tasks(county_staff, data, file_name="tasks.xlsx")
    assert result.ok and result.landed
    assert (result.created, result.changed, result.unchanged) == (2, 0, 1)
    assert stored() == [
        ("navigation", "underway", "遴选两个导航项目", ""),
        ("system", "completed", "成立知识产权工作领导小组\n印发工作方案", "纳入考核"),
    ]
    first = TaskProgress.objects.get(task__code="system").history.first()
    assert first.history_user == county_staff and "tasks.xlsx" in first.history_change_reason
    history, batches = TaskProgress.history.count(), ImportBatch.objects.count()
    again = import_tasks(county_staff, data, file_name="tasks.xlsx")
    assert again.ok and not again.landed
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert (TaskProgress.history.count(), ImportBatch.objects.count()) == (history, batches)


def test_the_downloaded_template_imports_back_unchanged(county_staff, region, pilot):
    save_task_progress(
        county=pilot.county,
        year=2024,
        user=region,
        entries={"review": TaskEntry("completed", "=评议完成", "x")},
    )
    from indicators.exporting import write_sheets

    out = io.BytesIO()
    write_sheets([template_sheet(factories.county("150121").__class__.objects.all(), 2024)], out)
    result = import_tasks(county_staff, out.getvalue(), file_name="template.xlsx")
    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.changed) == (0, 0)
    assert TaskProgress.objects.get(task__code="review").progress == "=评议完成"


def test_a_dry_run_writes_nothing(county_staff, pilot):
    result = import_tasks(county_staff, workbook(ROWS), file_name="t.xlsx", dry_run=True)
    assert result.ok and result.created == 2
    assert not TaskProgress.objects.exists() and not AnnualReport.objects.exists()


@pytest.mark.parametrize(
    "row, column",
    [
        (("150121", "土默特左旗", 2024, "nonsense", "推进中", "x", ""), "task_code"),
        (("150121", "土默特左旗", 2024, "system", "差不多", "x", ""), "status"),
        (("150121", "土默特左旗", 2024, "system", "已完成", "", "措施"), "progress"),
        (("150121", "土默特左旗", 2022, "system", "推进中", "x", ""), "year"),
        (("150122", "托克托县", 2024, "system", "推进中", "x", ""), "county_code"),
        (("150121", "托克托县", 2024, "system", "推进中", "x", ""), "county_name"),
        (("150121", "土默特左旗", 2024, "system", "推进中", "长" * 2001, ""), None),
    ],
)
def test_one_bad_row_refuses_the_whole_file(county_staff, pilot, row, column):
    result = import_tasks(county_staff, workbook([*ROWS, row]), file_name="t.xlsx")
    assert not result.ok
    if column is not None:  # an over-long cell is refused by the pipeline before any row is checked
        assert [p.field for p in result.problems] == [column]
        assert result.problems[0].row == 2 + len(ROWS) + 1
    assert not TaskProgress.objects.exists()


def test_a_row_twice_is_refused(county_staff, pilot):
    result = import_tasks(county_staff, workbook([*ROWS, ROWS[1]]), file_name="t.xlsx")
    assert not result.ok and "task_code" in [p.field for p in result.problems]


def test_an_approved_year_is_refused_and_a_returned_one_goes_back_to_draft(county_staff, region, pilot):
    approved = factories.ReportFactory(county=pilot.county, year=2024, status=ReportStatus.APPROVED)
    result = import_tasks(county_staff, workbook(ROWS), file_name="t.xlsx")
    assert not result.ok and {p.field for p in result.problems} == {"year"}
    assert not TaskProgress.objects.exists()
    approved.status = ReportStatus.RETURNED
    approved.save()
    assert import_tasks(county_staff, workbook(ROWS), file_name="t.xlsx").ok
    approved.refresh_from_db()
    assert approved.status == ReportStatus.DRAFT


def test_a_submitted_year_is_for_the_region_only(county_staff, region, pilot):
    factories.ReportFactory(county=pilot.county, year=2024, status=ReportStatus.SUBMITTED)
    assert not import_tasks(county_staff, workbook(ROWS), file_name="t.xlsx").ok
    assert import_tasks(region, workbook(ROWS), file_name="t.xlsx").ok
    assert AnnualReport.objects.get().status == ReportStatus.SUBMITTED
    assert services  # the lock rule is the values' rule (services.ensure_values_changeable)


def test_the_command_lists_problems_and_exits_non_zero(tmp_path, county_staff, pilot):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(workbook(ROWS, labels=False))
    bad.write_bytes(workbook([("150121", "土默特左旗", 2024, "system", "已完成", "", "")]))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_tasks", str(good), "--user", county_staff.username, "--dry-run", stdout=out)
    assert "dry run" in out.getvalue() and not TaskProgress.objects.exists()
    call_command("import_tasks", str(good), "--user", county_staff.username, stdout=out)
    assert TaskProgress.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("import_tasks", str(bad), "--user", county_staff.username, stdout=out, stderr=err)
    assert "progress" in err.getvalue()


def test_the_import_pages_preview_then_land(client_for, county_staff, pilot):
    client = client_for(county_staff)
    url = reverse("indicators:task_import")
    assert client.get(url).status_code == 200
    preview = upload_and_preview(client, url, workbook(ROWS))
    shown = preview.context["preview"]
    assert shown["ok"] and shown["created"] == 2 and not TaskProgress.objects.exists()
    assert [row["action"] for row in shown["rows"]] == ["created", "created", "unchanged"]  # 未开展 = nothing
    assert [row["cells"][:2] for row in shown["rows"]] == [["土默特左旗", 2024]] * 3
    landed = confirm(client, preview)
    assert landed.status_code == 302 and TaskProgress.objects.count() == 2
    refused = upload_and_preview(client, url, workbook([("150121", "", 2024, "bogus", "推进中", "", "")]))
    assert not refused.context["preview"]["ok"] and "bogus" in refused.content.decode()
    assert refused.context["confirm_url"] not in refused.content.decode()


def test_auditors_and_league_staff_may_not_import(client_for, auditor, pilot):
    assert client_for(auditor).get(reverse("indicators:task_import")).status_code == 403
