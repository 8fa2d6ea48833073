"""Work-plan task progress (SPEC §8b): locked with the report, history kept, 已完成 needs a text, figures."""

import io

import pytest
from openpyxl import load_workbook

from config.errors import InvalidInput, Locked
from config.registry import county_facts
from indicators import services
from indicators.exporting import write_audit_workbook
from indicators.models import AnnualReport, ReportStatus, TaskProgress, TaskStatus, WorkTask
from indicators.services.workplan import (
    TaskEntry,
    clean_task_text,
    ensure_tasks_submittable,
    save_task_progress,
)
from indicators.workplan_exports import HEADERS
from tests import factories
from tests.indicators.test_entry import VALID_INPUT

pytestmark = pytest.mark.django_db

SPEC_CODES = [
    "system",
    "mechanism",
    "review",
    "patent_quality",
    "high_value",
    "enterprise_mgmt",
    "navigation",
    "industrialisation",
    "combined_use",
    "enforcement_capacity",
    "enforcement",
    "assistance",
    "public_service",
    "service_quality",
    "publicity",
    "training",
]


@pytest.fixture
def pilot(db):
    return factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)


@pytest.fixture
def draft(county_staff, pilot):
    report = AnnualReport(county=factories.county("150121"), year=2024)
    services.save_report_values(report, dict(VALID_INPUT), {}, county_staff, 0)
    return report


def save(user, year=2024, **entries):
    return save_task_progress(county=factories.county("150121"), year=year, user=user, entries=entries)


def test_the_catalogue_holds_the_16_tasks_of_the_spec():
    assert list(WorkTask.objects.values_list("code", flat=True)) == SPEC_CODES
    assert WorkTask.objects.get(code="navigation").name == "开展专利导航产业发展试点"
    assert WorkTask.objects.get(code="training").section == "三(七)2"


def test_saving_creates_the_report_and_keeps_only_what_was_said(county_staff, pilot):
    result = save(
        county_staff,
        system=TaskEntry("underway", "成立领导小组", "印发方案"),
        mechanism=TaskEntry("not_started"),
    )
    assert result.created == 1
    report = AnnualReport.objects.get(county__code="150121", year=2024)
    assert report.status == ReportStatus.DRAFT
    assert list(report.task_progress.values_list("task__code", "status")) == [("system", "underway")]


def test_text_is_cleaned_and_limited(county_staff, pilot):
    assert clean_task_text(" a\x00b\r\nc\x1f ") == "ab\nc"
    save(county_staff, system=TaskEntry("underway", "进展\x07一", ""))
    assert TaskProgress.objects.get().progress == "进展一"
    with pytest.raises(InvalidInput) as refused:
        save(county_staff, system=TaskEntry("underway", "字" * 2001))
    assert "2001" in refused.value.message
    assert TaskProgress.objects.get().progress == "进展一"


def test_completed_needs_a_progress_text_on_save(county_staff, pilot):
    with pytest.raises(InvalidInput) as refused:
        save(county_staff, system=TaskEntry("completed", "  ", "措施"), mechanism=TaskEntry("underway", "x"))
    assert "健全知识产权工作体系" in refused.value.message
    assert not TaskProgress.objects.exists()  # all or nothing
    save(county_staff, system=TaskEntry("completed", "已建立", ""))
    assert TaskProgress.objects.get().status == TaskStatus.COMPLETED


def test_completed_needs_a_progress_text_on_submit(county_staff, draft):
    TaskProgress.objects.create(report=draft, task=WorkTask.objects.get(code="system"), status="completed")
    with pytest.raises(services.TransitionNotAllowed) as refused:
        services.submit_report(draft, county_staff)
    assert "健全知识产权工作体系" in refused.value.message
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


def test_a_report_may_be_submitted_with_tasks_not_started(county_staff, draft):
    save(county_staff, system=TaskEntry("not_started", "", "计划下半年启动"))
    ensure_tasks_submittable(draft)
    draft.refresh_from_db()
    services.submit_report(draft, county_staff)
    assert draft.status == ReportStatus.SUBMITTED


def test_tasks_are_locked_with_the_report(county_staff, region, draft):
    save(county_staff, system=TaskEntry("underway", "进展"))
    draft.refresh_from_db()
    services.submit_report(draft, county_staff)
    with pytest.raises(Locked):
        save(county_staff, system=TaskEntry("completed", "完成"))
    save(region, system=TaskEntry("completed", "完成（区局更正）"))  # the region may while under review
    draft.refresh_from_db()
    services.approve_report(draft, region)
    for user in (county_staff, region):
        with pytest.raises(Locked):
            save(user, system=TaskEntry("underway", "再改"))
    assert TaskProgress.objects.get().progress == "完成（区局更正）"


def test_a_change_to_a_returned_report_moves_it_back_to_draft(county_staff, region, draft):
    services.submit_report(draft, county_staff)
    services.return_report(draft, region, "请补充任务进展")
    version = AnnualReport.objects.get(pk=draft.pk).version
    save(county_staff, navigation=TaskEntry("underway", "已遴选导航项目"))
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT
    assert draft.version == version + 1
    assert draft.transitions.last().to_status == ReportStatus.DRAFT


def test_an_unchanged_save_changes_nothing(county_staff, draft):
    save(county_staff, system=TaskEntry("underway", "进展"))
    draft.refresh_from_db()
    version = draft.version
    result = save(county_staff, system=TaskEntry("underway", "进展 "))
    assert (result.changed, result.unchanged) == (0, 1)
    draft.refresh_from_db()
    assert draft.version == version


def test_history_keeps_who_old_and_new(county_staff, region, pilot):
    save(county_staff, system=TaskEntry("underway", "第一版"))
    save(region, system=TaskEntry("completed", "第二版"))
    records = list(TaskProgress.objects.get().history.order_by("history_date"))
    assert [(r.status, r.progress, r.history_user) for r in records] == [
        ("underway", "第一版", county_staff),
        ("completed", "第二版", region),
    ]


def test_only_pilot_years_and_own_county(county_staff, pilot):
    with pytest.raises(InvalidInput):
        save(county_staff, year=2022, system=TaskEntry("underway", "x"))  # the baseline year
    other = factories.county_user("150122", username="other_t")
    with pytest.raises(services.PermissionDenied):
        save(other, system=TaskEntry("underway", "x"))


def test_facts_count_completed_tasks_of_the_latest_reported_year(county_staff, region, pilot):
    county = factories.county("150121")
    for year, completed in ((2023, 3), (2024, 5)):
        report = factories.ReportFactory(county=county, year=year, status=ReportStatus.SUBMITTED)
        for task in WorkTask.objects.all()[:completed]:
            TaskProgress.objects.create(report=report, task=task, status="completed", progress="完成")
    draft = factories.ReportFactory(county=county, year=2025)
    for task in WorkTask.objects.all():
        TaskProgress.objects.create(report=draft, task=task, status="completed", progress="完成")
    other = factories.county("150122")
    facts = county_facts([county.pk, other.pk])
    assert facts[county.pk]["tasks_completed"] == 5
    assert facts[county.pk]["tasks_total"] == 16
    assert facts[other.pk] == {"tasks_completed": 0, "tasks_total": 16} | {
        k: v for k, v in facts[other.pk].items() if not k.startswith("tasks_")
    }


def test_the_audit_sheet_lists_every_task_of_every_pilot_year(county_staff, auditor, draft):
    save(county_staff, navigation=TaskEntry("completed", "=导航项目已完成", "措施"))
    factories.ReportFactory(county=factories.county("150122"), year=2024)  # not a pilot: not listed
    out = io.BytesIO()
    write_audit_workbook(auditor, out, year=2024)
    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True)["工作任务"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][: len(HEADERS)]) == HEADERS
    assert list(rows[0][:8]) == [
        "县代码",
        "县名称",
        "年度",
        "任务代码",
        "任务名称",
        "进展状态",
        "工作进展",
        "佐证材料数",
    ]
    assert len(rows) == 1 + 16
    navigation = next(r for r in rows if r[3] == "navigation")
    assert navigation[:8] == (
        "150121",
        "土默特左旗",
        2024,
        "navigation",
        "开展专利导航产业发展试点",
        "已完成",
        "'=导航项目已完成",
        0,
    )
    assert {r[5] for r in rows[1:] if r[3] != "navigation"} == {"未开展"}


def test_the_audit_sheet_is_scoped(county_staff, draft):
    save(county_staff, navigation=TaskEntry("underway", "进展"))
    other = factories.county_user("150122", username="other_t")
    out = io.BytesIO()
    write_audit_workbook(other, out, year=2024)
    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True)["工作任务"]
    assert len(list(sheet.iter_rows(values_only=True))) == 1


def test_the_demo_seed_gives_every_pilot_year_task_progress():
    from counties import demo as county_demo
    from counties.models import PilotDesignation
    from indicators import demo
    from indicators.selectors import current_year

    out = io.StringIO()
    county_demo.seed(out)
    demo.seed(out)
    for pilot in PilotDesignation.objects.select_related("county"):
        for year in range(pilot.start_year, min(pilot.end_year, current_year()) + 1):
            progress = TaskProgress.objects.filter(report__county=pilot.county, report__year=year)
            assert progress.count() >= 1, (pilot.county.code, year)
    assert not TaskProgress.objects.filter(status="completed", progress="").exists()
    assert {"not_started", "underway", "completed"} <= set(
        TaskProgress.objects.values_list("status", flat=True)
    )
    count = TaskProgress.history.count()
    demo.seed(out)
    assert TaskProgress.history.count() == count


def test_the_pilot_summary_carries_the_tasks(county_staff, region, pilot):
    from indicators.assessment import pilot_summary, summary_json

    report = factories.ReportFactory(county=pilot.county, year=2023, status=ReportStatus.APPROVED)
    for task in WorkTask.objects.all()[:4]:
        TaskProgress.objects.create(report=report, task=task, status="completed", progress="完成")
    summary = pilot_summary(pilot.county)
    assert summary_json(summary)["tasks"] == {"completed": 4, "total": 16}
    (section,) = [s for s in summary["sections"] if s["rows"][0][0] == "健全知识产权工作体系"]
    assert section["rows"][0][1].startswith("2023：")
    assert section["rows"][-1][1].startswith("2023：4/16")
