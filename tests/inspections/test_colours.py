"""Colours at each boundary with a fixed today, and notifications once per change of colour."""

import datetime

import pytest
from django.core.management import call_command

from counties.models import Notification
from inspections.services import escalate_findings
from inspections.workflow import colour_for
from tests import factories

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2025, 6, 30)


@pytest.mark.parametrize(
    "today, colour",
    [
        (DEADLINE - datetime.timedelta(days=8), "green"),
        (DEADLINE - datetime.timedelta(days=7), "blue"),
        (DEADLINE, "blue"),
        (DEADLINE + datetime.timedelta(days=1), "yellow"),
        (DEADLINE + datetime.timedelta(days=30), "yellow"),
        (DEADLINE + datetime.timedelta(days=31), "red"),
    ],
)
def test_colour_boundaries(today, colour):
    assert colour_for(DEADLINE, today) == colour


def test_closed_findings_have_no_colour():
    assert colour_for(DEADLINE, DEADLINE + datetime.timedelta(days=100), "closed") == ""


def test_the_job_notifies_each_change_once(
    make_finding, county_staff, league_staff, region, mailoutbox, django_capture_on_commit_callbacks
):
    county_staff.email = "county@example.org"
    county_staff.save()
    other_league = factories.league_user("150200", username="other_league_t")
    finding = make_finding(deadline=DEADLINE, today=datetime.date(2025, 6, 1))
    assert finding.colour == "green"
    new_finding_notes = Notification.objects.filter(kind="finding_new").count()
    assert new_finding_notes == 1

    result = escalate_findings(today=datetime.date(2025, 6, 25))
    assert result.counts["blue"] == 1 and len(result.changed) == 1
    assert list(
        Notification.objects.filter(kind="finding_blue").values_list("user__username", flat=True)
    ) == ["county_t"]
    # Running again the same day (or the next) changes nothing and sends nothing.
    assert escalate_findings(today=datetime.date(2025, 6, 25)).changed == []
    assert escalate_findings(today=datetime.date(2025, 6, 26)).changed == []
    assert Notification.objects.filter(kind="finding_blue").count() == 1

    escalate_findings(today=datetime.date(2025, 7, 1))
    assert Notification.objects.filter(kind="finding_yellow").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        escalate_findings(today=datetime.date(2025, 7, 31))  # 31 days overdue
    red = set(Notification.objects.filter(kind="finding_red").values_list("user__username", flat=True))
    assert red == {"county_t", "league_t", "region_t"}
    assert other_league.notifications.count() == 0
    escalate_findings(today=datetime.date(2025, 7, 31))
    assert Notification.objects.filter(kind="finding_red").count() == 3
    finding.refresh_from_db()
    assert finding.colour == "red"
    assert [m.to for m in mailoutbox] == [["county@example.org"]]


def test_the_command_prints_the_count_per_colour(make_finding, capsys):
    make_finding(deadline=datetime.date(2025, 6, 30), description="a")
    make_finding(deadline=datetime.date(2025, 6, 1), description="b")
    make_finding(deadline=datetime.date(2025, 8, 1), description="c")
    call_command("escalate_findings", "--today", "2025-06-25")
    out = capsys.readouterr().out
    assert "green: 1" in out and "blue: 1" in out and "yellow: 1" in out and "red: 0" in out
    assert "changed: " in out


def test_the_beat_task_runs_the_same_code(make_finding, settings):
    from inspections.tasks import escalate_findings as task

    assert "inspections.tasks.escalate_findings" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    make_finding(deadline=datetime.date(2000, 1, 1) + datetime.timedelta(days=9000))
    summary = task.delay().get()
    assert "changed" in summary
