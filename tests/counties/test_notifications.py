"""Notifications: stored per user, unread count in the top bar, list page, mark as read, e-mail; a report
returned or approved tells the county."""

import pytest
from django.urls import reverse

from config.workflow import Transition, transitioned
from counties.models import Notification
from counties.notifications import notify_users, unread_count
from indicators.models import ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_notify_users_stores_once_per_key_and_mails(
    county_staff, mailoutbox, django_capture_on_commit_callbacks
):
    county_staff.email = "c@example.org"
    county_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify_users([county_staff], title="标题", body="内容", url="/x/", key="k1")
        notify_users([county_staff], title="标题", body="内容", url="/x/", key="k1")
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].subject == "标题"


def test_unread_count_list_and_mark_read(client_for, county_staff, other_county_staff):
    notify_users([county_staff], title="给本县的通知", url="/inspections/findings/")
    notify_users([other_county_staff], title="给他县的通知")
    client = client_for(county_staff)
    page = client.get(reverse("counties:notifications")).content.decode()
    assert "给本县的通知" in page and "给他县的通知" not in page
    assert 'id="unread-count">1<' in page
    mine = Notification.objects.get(user=county_staff)
    theirs = Notification.objects.get(user=other_county_staff)
    assert client.post(reverse("counties:notification_open", kwargs={"pk": theirs.pk})).status_code == 404
    response = client.post(reverse("counties:notification_open", kwargs={"pk": mine.pk}))
    assert response.status_code == 302 and response.url == "/inspections/findings/"
    assert unread_count(county_staff) == 0 and unread_count(other_county_staff) == 1
    client.post(reverse("counties:notifications_read_all"))
    assert unread_count(other_county_staff) == 1


@pytest.mark.parametrize(
    "target, word", [(ReportStatus.RETURNED, "退回"), (ReportStatus.APPROVED, "审核通过")]
)
def test_a_reviewed_report_notifies_the_county(county_staff, other_county_staff, region, target, word):
    report = factories.ReportFactory(county=factories.county("150121"), year=2024, status=target)
    step = Transition(target, target, (ReportStatus.SUBMITTED,), target, ("region_staff",))
    transitioned.send(
        sender="annual_report",
        obj=report,
        transition=step,
        user=region,
        comment="请补充",
        from_state="submitted",
    )
    notes = list(Notification.objects.all())
    assert [n.user for n in notes] == [county_staff]
    assert word in notes[0].title and notes[0].body == "请补充"
    transitioned.send(
        sender="annual_report",
        obj=report,
        transition=step,
        user=region,
        comment="请补充",
        from_state="submitted",
    )
    assert Notification.objects.count() == 1
