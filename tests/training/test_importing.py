"""Excel imports of events and attendee lists: all or nothing, every problem listed, duplicates flagged."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from indicators.models import ImportBatch, ReportStatus
from tests import factories
from training import importing
from training.models import Attendee, TrainingEvent

pytestmark = pytest.mark.django_db


def workbook_bytes(rows, template=importing.events_template):
    """The downloadable template with ``rows`` appended below its codes row."""
    workbook = load_workbook(io.BytesIO(template()))
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = [
    ["150121", "2024-04-26", "4·26宣传周主题活动", "宣传活动", "", "广场", "", "", "", "200", ""],
    [
        "150121",
        datetime.date(2024, 6, 3),
        "专利实务培训",
        "培训",
        "某专利事务所",
        "会议室",
        "否",
        "１０",
        "5",
        "1,020",
        "",
    ],
]


def test_events_import_lands_and_is_idempotent(county_staff):
    data = workbook_bytes(GOOD_ROWS)
    result = importing.import_events(county_staff, data, file_name="events.xlsx")
    assert result.ok, result.problems
    assert (result.created, result.changed) == (2, 0)
    week, training = TrainingEvent.objects.order_by("date")
    assert week.in_publicity_week and week.kind == "publicity"
    assert training.organiser_kind == "agency" and training.organiser_name == "某专利事务所"
    assert {a.category: a.headcount for a in training.audiences.all()} == {
        "management": 10,
        "service": 5,
        "enterprise": 1020,
    }
    batch = ImportBatch.objects.get()
    assert (batch.app, batch.kind) == ("training", "events")
    assert batch.user == county_staff and len(batch.sha256) == 64
    again = importing.import_events(county_staff, data)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert TrainingEvent.objects.count() == 2


def test_one_bad_cell_refuses_the_whole_file_listing_every_problem(county_staff):
    rows = [
        GOOD_ROWS[0],
        ["150122", "2024-05-01", "别县培训", "培训", "", "", "", "", "", "10", ""],
        ["150121", "2024-13-01", "", "讲座", "", "", "也许", "-3", "abc", "", ""],
    ]
    result = importing.import_events(county_staff, workbook_bytes(rows))
    assert not result.ok
    found = {(p.row, p.column.split(" ")[0]) for p in result.problems}
    assert found == {(4, "A"), (5, "B"), (5, "C"), (5, "D"), (5, "G"), (5, "H"), (5, "I")}
    assert all(p.message for p in result.problems)
    assert not TrainingEvent.objects.exists() and not ImportBatch.objects.exists()


def test_locked_years_and_duplicate_rows_are_refused(county_staff):
    factories.ReportFactory(county=factories.county("150121"), year=2023, status=ReportStatus.APPROVED)
    rows = [
        ["150121", "2023-05-01", "旧培训", "培训", "", "", "", "", "", "10", ""],
        GOOD_ROWS[1],
        GOOD_ROWS[1],
    ]
    result = importing.import_events(county_staff, workbook_bytes(rows))
    assert [(p.row, p.column[0]) for p in result.problems] == [(3, "B"), (5, "C")]
    assert not TrainingEvent.objects.exists()


def test_not_an_xlsx_is_refused(county_staff):
    result = importing.import_events(county_staff, b"%PDF-1.4 not a workbook")
    assert not result.ok and result.problems[0].row is None


def test_import_requests_recompute_in_one_task(county_staff, django_capture_on_commit_callbacks):
    from unittest import mock

    county = factories.county("150121")
    with mock.patch("indicators.tasks.recompute_scores.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            importing.import_events(county_staff, workbook_bytes(GOOD_ROWS))
    delay.assert_called_once_with([(county.pk, 2024), (county.pk, 2025)])


def attendee_bytes(rows):
    return workbook_bytes(rows, template=importing.attendees_template)


def test_attendee_list_sets_headcounts_and_flags_people_listed_twice(county_staff, event_factory):
    event = event_factory(audiences={"enterprise": 99})
    rows = [
        ["张三", "某某科技有限公司", "企事业单位人员"],
        ["李四", "县市场监管局", "管理人员"],
        [" 张 三", "某某科技有限公司 ", ""],
        ["张三", "另一家公司", "企业"],
        ["王五", "", "服务机构"],
    ]
    result = importing.import_attendees(county_staff, event, attendee_bytes(rows))
    assert result.ok, result.problems
    assert result.counts["duplicates"] == 1
    assert {a.category: a.headcount for a in event.audiences.all()} == {
        "enterprise": 2,
        "management": 1,
        "service": 1,
    }
    duplicate = Attendee.objects.get(row=5)
    assert duplicate.duplicate_of_row == 3 and duplicate.category == "enterprise"
    assert (ImportBatch.objects.get().app, ImportBatch.objects.get().kind) == ("training", "attendees")


def test_attendee_category_is_required_when_the_event_has_several(county_staff, event_factory):
    event = event_factory(audiences={"enterprise": 10, "service": 4})
    result = importing.import_attendees(
        county_staff, event, attendee_bytes([["张三", "某公司", ""], ["", "x", "管理"]])
    )
    assert [(p.row, p.column[0]) for p in result.problems] == [(3, "C"), (4, "A")]
    assert not Attendee.objects.exists()
    assert {a.category: a.headcount for a in event.audiences.all()} == {"enterprise": 10, "service": 4}


def test_attendee_sheet_with_chinese_headings_only(county_staff, event_factory):
    event = event_factory(audiences={"enterprise": 10})
    workbook = Workbook()
    workbook.active.append(["姓名", "工作单位"])
    workbook.active.append(["赵六", "某公司"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = importing.import_attendees(county_staff, event, buffer.getvalue())
    assert result.ok, result.problems
    assert event.audiences.get().headcount == 1


def test_import_pages_preview_every_problem_or_the_rows_and_land_on_confirmation(
    client_for, county_staff, event_factory
):
    from django.urls import reverse

    from tests.import_pages import confirm, upload_and_preview

    client = client_for(county_staff)
    url = reverse("training:event_import")
    assert client.get(reverse("training:event_template")).content.startswith(b"PK\x03\x04")
    bad = workbook_bytes([["150121", "昨天", "培训", "培训", "", "", "", "", "", "10", ""]])
    preview = upload_and_preview(client, url, bad)
    assert [(p["row"], p["column"][0]) for p in preview.context["preview"]["problems"]] == [(3, "B")]
    assert "昨天" in preview.content.decode()
    assert preview.context["confirm_url"] not in preview.content.decode()
    preview = upload_and_preview(client, url, workbook_bytes(GOOD_ROWS))
    shown = preview.context["preview"]
    assert (shown["created"], shown["changed"], shown["unchanged"]) == (2, 0, 0)
    assert [row["action"] for row in shown["rows"]] == ["created", "created"]
    assert not TrainingEvent.objects.exists()  # nothing lands before the confirmation
    response = confirm(client, preview)
    assert response.status_code == 302 and response["Location"] == reverse("training:event_list")
    assert TrainingEvent.objects.count() == 2
    again = upload_and_preview(client, url, workbook_bytes(GOOD_ROWS)).context["preview"]
    assert [row["action"] for row in again["rows"]] == ["unchanged", "unchanged"]

    event = event_factory(date=datetime.date(2024, 7, 1), title="名单导入", audiences={"enterprise": 5})
    url = reverse("training:attendee_import", args=[event.pk])
    preview = upload_and_preview(
        client, url, attendee_bytes([["张三", "甲公司", ""], ["张三", "甲公司", ""]])
    )
    shown = preview.context["preview"]
    assert shown["note"] and shown["note"] in preview.content.decode()  # the list is replaced: said before
    assert [row["cells"][0] for row in shown["rows"]] == ["张三", "张三"]
    first_row = shown["rows"][0]["row"]
    assert shown["rows"][0]["cells"][3] == "" and str(first_row) in shown["rows"][1]["cells"][3]
    assert event.audiences.get().headcount == 5  # unchanged until confirmed
    response = confirm(client, preview)
    assert response.status_code == 302 and response["Location"] == reverse(
        "training:event_detail", args=[event.pk]
    )
    assert event.audiences.get().headcount == 1
    detail = client.get(reverse("training:event_detail", args=[event.pk])).content.decode()
    assert "不重复计数" in detail


def test_a_preview_staged_for_one_event_is_not_confirmed_on_another(client_for, county_staff, event_factory):
    from django.urls import reverse

    from tests.import_pages import upload_and_preview

    client = client_for(county_staff)
    first = event_factory(date=datetime.date(2024, 7, 1), title="一", audiences={"enterprise": 5})
    second = event_factory(date=datetime.date(2024, 7, 2), title="二", audiences={"enterprise": 5})
    preview = upload_and_preview(
        client, reverse("training:attendee_import", args=[first.pk]), attendee_bytes([["张三", "甲公司", ""]])
    )
    response = client.post(
        reverse("training:attendee_import_confirm", args=[second.pk]),
        {"sha256": preview.context["preview"]["sha256"]},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "training:attendee_import", args=[second.pk]
    )
    assert first.audiences.get().headcount == 5 and second.audiences.get().headcount == 5
    assert not first.attendees.exists() and not second.attendees.exists()


def test_import_training_command(county_staff, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "events.xlsx"
    path.write_bytes(workbook_bytes(GOOD_ROWS))
    call_command("import_training", str(path), "--user", county_staff.username, "--dry-run")
    assert not TrainingEvent.objects.exists()
    call_command("import_training", str(path), "--user", county_staff.username)
    assert TrainingEvent.objects.count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook_bytes([["999999", "2024-05-01", "x", "培训", "", "", "", "", "", "1", ""]]))
    with pytest.raises(CommandError):
        call_command("import_training", str(bad), "--user", county_staff.username)
