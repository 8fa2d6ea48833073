"""Work-plan task pages: the entry and report sections, the task page with evidence, the matrix, the panel."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import services
from indicators.models import AnnualReport, ReportStatus, TaskEvidence, TaskProgress, WorkTask
from indicators.services.workplan import TaskEntry, save_task_progress
from tests import factories
from tests.indicators.test_entry import VALID_INPUT

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pilot(db):
    return factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)


@pytest.fixture
def draft(county_staff, pilot):
    report = AnnualReport(county=factories.county("150121"), year=2024)
    services.save_report_values(report, dict(VALID_INPUT), {}, county_staff, 0)
    return report


def url(name, year=2024, **kwargs):
    return reverse(f"indicators:{name}", kwargs={"code": "150121", "year": year, **kwargs})


def task_post(version, **entries):
    data = {"version": version}
    for task in WorkTask.objects.all():
        status, progress, measures = entries.get(task.code, ("not_started", "", ""))
        data |= {
            f"status_{task.code}": status,
            f"progress_{task.code}": progress,
            f"measures_{task.code}": measures,
        }
    return data


def test_the_entry_page_has_the_task_section_with_last_years_status(client_for, county_staff, draft):
    save_task_progress(
        county=draft.county,
        year=2023,
        user=county_staff,
        entries={"navigation": TaskEntry("underway", "起步")},
    )
    page = client_for(county_staff).get(url("report_entry")).content.decode()
    assert 'id="work-tasks"' in page
    assert "开展专利导航产业发展试点" in page
    assert reverse("indicators:task_edit", kwargs={"code": "150121", "year": 2024}) in page
    assert "text-bg-warning" in page  # last year's 推进中 beside the task
    assert 'name="csrfmiddlewaretoken" value="NOTPROVIDED"' not in page
    assert 'name="csrfmiddlewaretoken" value=""' not in page


def test_the_baseline_year_has_no_task_section(client_for, county_staff, pilot):
    page = client_for(county_staff).get(url("report_entry", year=2022)).content.decode()
    assert 'id="work-tasks"' not in page
    assert client_for(county_staff).get(url("task_edit", year=2022)).status_code == 404


def test_saving_the_tasks_form(client_for, county_staff, draft):
    draft.refresh_from_db()
    response = client_for(county_staff).post(
        url("task_edit"), task_post(draft.version, system=("completed", "已建立工作体系", "印发文件"))
    )
    assert response.status_code == 302
    row = TaskProgress.objects.get()
    assert (row.task.code, row.status, row.progress, row.measures) == (
        "system",
        "completed",
        "已建立工作体系",
        "印发文件",
    )
    detail = client_for(county_staff).get(url("report_detail")).content.decode()
    assert "已建立工作体系" in detail and "印发文件" in detail


def test_completed_without_text_is_refused_on_the_page(client_for, county_staff, draft):
    draft.refresh_from_db()
    response = client_for(county_staff).post(
        url("task_edit"), task_post(draft.version, system=("completed", "", ""))
    )
    assert response.status_code == 200
    assert "健全知识产权工作体系" in response.content.decode()
    assert not TaskProgress.objects.exists()


def test_a_stale_form_is_refused(client_for, county_staff, draft):
    response = client_for(county_staff).post(url("task_edit"), task_post(draft.version - 1))
    assert response.status_code == 200
    assert not TaskProgress.objects.exists()


def test_submitted_tasks_are_read_only_for_the_county(client_for, county_staff, draft):
    services.submit_report(draft, county_staff)
    client = client_for(county_staff)
    assert client.get(url("task_edit")).status_code == 302
    client.post(url("task_edit"), task_post(draft.version, system=("underway", "x", "")))
    assert not TaskProgress.objects.exists()
    response = client.post(
        url("task_evidence_upload", task="system"), {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert response.status_code == 302
    assert not TaskEvidence.objects.exists()


def test_evidence_upload_download_and_delete(client_for, county_staff, draft):
    client = client_for(county_staff)
    response = client.post(
        url("task_evidence_upload", task="navigation"), {"file": SimpleUploadedFile("导航报告.pdf", PDF)}
    )
    assert response.status_code == 302
    evidence = TaskEvidence.objects.get()
    assert evidence.original_name == "导航报告.pdf"
    assert "导航报告" not in evidence.file.name
    page = client.get(url("task_detail", task="navigation")).content.decode()
    assert "导航报告.pdf" in page
    download = client.get(reverse("indicators:task_evidence_download", kwargs={"pk": evidence.pk}))
    assert b"".join(download.streaming_content) == PDF
    fake = client.post(
        url("task_evidence_upload", task="navigation"), {"file": SimpleUploadedFile("x.pdf", b"MZ")}
    )
    assert fake.status_code == 302 and TaskEvidence.objects.count() == 1
    client.post(reverse("indicators:task_evidence_delete", kwargs={"pk": evidence.pk}))
    assert not TaskEvidence.objects.exists()


def test_the_catalogue_page_lists_the_tasks(client_for, region):
    page = client_for(region).get(reverse("indicators:catalogue")).content.decode()
    assert "实施高价值专利培育计划" in page and "high_value" in page


def test_the_county_page_lists_task_progress_over_the_years(client_for, county_staff, region, pilot):
    save_task_progress(
        county=pilot.county, year=2023, user=region, entries={"system": TaskEntry("completed", "完成")}
    )
    page = (
        client_for(county_staff).get(reverse("counties:detail", kwargs={"code": "150121"})).content.decode()
    )
    assert "健全知识产权工作体系" in page
    assert "1 / 16" in page


def _pilot_with_tasks(code, region, batch=1):
    pilot = factories.PilotFactory(county=factories.county(code), start_year=2023, end_year=2025, batch=batch)
    save_task_progress(
        county=pilot.county,
        year=2024,
        user=region,
        entries={
            "system": TaskEntry("completed", f"{code} 完成"),
            "navigation": TaskEntry("underway", f"{code} 推进"),
        },
    )
    return pilot


def test_the_matrix_shows_status_by_task_and_county_with_filters(client_for, region):
    _pilot_with_tasks("150121", region, batch=1)
    _pilot_with_tasks("150221", region, batch=2)
    client = client_for(region)
    page = client.get(reverse("indicators:task_matrix"), {"year": 2024}).content.decode()
    assert "土默特左旗" in page and "table-success" in page and "table-warning" in page
    assert url("task_detail", task="system") in page
    assert "2 / 16" not in page and "1 / 16" in page
    by_batch = client.get(reverse("indicators:task_matrix"), {"year": 2024, "batch": 2}).content.decode()
    assert "土默特左旗" not in by_batch
    by_league = client.get(
        reverse("indicators:task_matrix"), {"year": 2024, "league": "150100"}
    ).content.decode()
    assert (
        "土默特左旗" in by_league
        and reverse("indicators:task_detail", kwargs={"code": "150221", "year": 2024, "task": "system"})
        not in by_league
    )


def test_the_matrix_runs_a_fixed_number_of_queries(client_for, region):
    client = client_for(region)
    _pilot_with_tasks("150121", region)
    client.get(reverse("indicators:task_matrix"), {"year": 2024})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("indicators:task_matrix"), {"year": 2024})
    for code in ("150122", "150221", "150222", "150421"):
        _pilot_with_tasks(code, region)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("indicators:task_matrix"), {"year": 2024})
    assert response.content.decode().count("table-success") >= 5
    assert len(many) == len(few)


def test_a_county_user_sees_only_their_column(client_for, county_staff, region):
    _pilot_with_tasks("150121", region)
    _pilot_with_tasks("150122", region)
    page = client_for(county_staff).get(reverse("indicators:task_matrix"), {"year": 2024}).content.decode()
    assert "土默特左旗" in page and "托克托县" not in page


def test_approved_report_shows_tasks_locked(client_for, county_staff, region, draft):
    save_task_progress(
        county=draft.county, year=2024, user=county_staff, entries={"system": TaskEntry("underway", "推进")}
    )
    draft.refresh_from_db()
    services.submit_report(draft, county_staff)
    services.approve_report(draft, region)
    assert draft.status == ReportStatus.APPROVED
    page = client_for(county_staff).get(url("task_detail", task="system")).content.decode()
    assert "推进" in page and f'href="{url("task_edit")}"' not in page


def test_the_template_is_prefilled_with_stored_progress(client_for, county_staff, region, pilot):
    import io

    from openpyxl import load_workbook

    save_task_progress(
        county=pilot.county,
        year=2024,
        user=region,
        entries={"review": TaskEntry("completed", "=评议完成", "措施")},
    )
    factories.PilotFactory(county=factories.county("150122"))
    response = client_for(county_staff).get(reverse("indicators:task_template"), {"year": 2024})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("county_code", "county_name", "year", "task_code", "status", "progress", "measures")
    assert len(rows) == 2 + 16  # own county only
    assert ("150121", "土默特左旗", 2024, "review", "已完成", "'=评议完成", "措施") in rows
    assert ("150121", "土默特左旗", 2024, "system", "未开展", None, None) in rows
    everyone = client_for(region).get(reverse("indicators:task_template"), {"year": 2024})
    assert (
        len(list(load_workbook(io.BytesIO(b"".join(everyone.streaming_content))).active.iter_rows()))
        == 2 + 32
    )
