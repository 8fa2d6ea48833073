"""The kernel's import pages (``config.excel.pages``): every step checks who may import, nothing lands before the
confirmation, and what lands is what the preview showed — shown here on the training events and attendee lists."""

import datetime

import pytest
from django.urls import URLPattern, get_resolver, reverse

from config.excel.pages import ImportPages
from tests.import_pages import confirm, upload_and_preview
from tests.training.factories import make_event
from tests.training.test_importing import GOOD_ROWS, attendee_bytes, workbook_bytes
from training.models import TrainingEvent

pytestmark = pytest.mark.django_db


def _import_steps():
    """``(route name, kwargs)`` of every step of every ``ImportPages`` in the URL configuration."""
    steps = []

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "__wrapped__", pattern.callback)
                while hasattr(view, "__wrapped__"):
                    view = view.__wrapped__
                if isinstance(getattr(view, "__self__", None), ImportPages):
                    steps.append((f"{namespace}:{pattern.name}", list(pattern.pattern.converters)))
            else:
                walk(pattern.url_patterns, pattern.namespace or namespace)

    walk(get_resolver().url_patterns)
    return steps


def test_every_step_of_every_import_refuses_an_auditor(client_for, auditor):
    event = make_event()
    steps = _import_steps()
    names = {name for name, _kwargs in steps}
    assert {
        "funding:import_confirm",
        "training:attendee_import_cancel",
        "indicators:task_import_preview",
    } <= names
    client = client_for(auditor)
    for name, converters in steps:
        url = reverse(name, kwargs={"pk": event.pk} if "pk" in converters else None)
        assert client.get(url).status_code in (403, 404, 405), name
        assert client.post(url).status_code in (403, 404), name


def test_a_confirmation_lands_only_what_the_preview_showed(client_for, county_staff):
    client = client_for(county_staff)
    url = reverse("training:event_import")
    confirm(client, upload_and_preview(client, url, workbook_bytes(GOOD_ROWS)))
    changed = [list(row) for row in GOOD_ROWS]
    changed[0][5] = "新广场"
    preview = upload_and_preview(client, url, workbook_bytes(changed))
    assert [row["action"] for row in preview.context["preview"]["rows"]] == ["changed", "unchanged"]
    colleague = TrainingEvent.objects.get(title="专利实务培训")
    colleague.place = "同事改过的会议室"
    colleague.save()

    response = confirm(client, preview)
    assert response["Location"] == reverse("training:event_import_preview")
    colleague.refresh_from_db()
    assert colleague.place == "同事改过的会议室"  # the row previewed as unchanged was not overwritten
    assert TrainingEvent.objects.get(title="4·26宣传周主题活动").place == "广场"  # nothing landed
    again = client.get(response["Location"])
    assert [row["action"] for row in again.context["preview"]["rows"]] == ["changed", "changed"]
    assert "确认" in " ".join(str(m) for m in again.context["messages"])

    assert confirm(client, again).status_code == 302  # the new preview, confirmed, lands
    colleague.refresh_from_db()
    assert (
        colleague.place == "会议室"
        and TrainingEvent.objects.get(title="4·26宣传周主题活动").place == "新广场"
    )


def test_confirming_a_refused_file_does_not_run_the_import_again(client_for, county_staff):
    client = client_for(county_staff)
    bad = workbook_bytes([["150121", "昨天", "培训", "培训", "", "", "", "", "", "10", ""]])
    preview = upload_and_preview(client, reverse("training:event_import"), bad)
    response = confirm(client, preview)
    assert response["Location"] == reverse("training:event_import_preview")
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert messages == ["文件被拒绝：请更正后重新上传。"]
    assert not TrainingEvent.objects.exists()


def test_uploads_for_two_events_do_not_take_each_others_preview(client_for, county_staff):
    client = client_for(county_staff)
    first = make_event(date=datetime.date(2024, 7, 1), title="一", audiences={"enterprise": 5})
    second = make_event(date=datetime.date(2024, 7, 2), title="二", audiences={"enterprise": 5})
    preview = upload_and_preview(
        client, reverse("training:attendee_import", args=[first.pk]), attendee_bytes([["张三", "甲公司", ""]])
    )
    other = client.get(reverse("training:attendee_import", args=[second.pk]))
    assert other.context["pending"] is None  # no banner pointing at the other event's upload
    assert client.get(reverse("training:attendee_import_preview", args=[second.pk])).status_code == 302
    stale = client.post(reverse("training:attendee_import_confirm", args=[second.pk]), {"sha256": "0" * 64})
    assert stale.status_code == 302 and not second.attendees.exists()
    assert client.get(reverse("training:attendee_import_preview", args=[first.pk])).status_code == 200
    assert confirm(client, preview).status_code == 302
    assert [a.name for a in first.attendees.all()] == ["张三"] and first.audiences.get().headcount == 1


def test_an_upload_page_points_at_its_own_waiting_upload(client_for, county_staff):
    client = client_for(county_staff)
    url = reverse("training:event_import")
    upload_and_preview(client, url, workbook_bytes(GOOD_ROWS))
    page = client.get(url)
    assert page.context["pending"]["file_name"] == "upload.xlsx"
    assert reverse("training:event_import_preview") in page.content.decode()
