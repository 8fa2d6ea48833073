"""The event pages: scope (404 outside it), write rights, locking, filters, totals, progress and the panel."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators import services as indicator_services
from indicators.models import Indicator, ReportStatus
from tests import factories
from training.models import TrainingEvent

pytestmark = pytest.mark.django_db


def event_urls(event, evidence):
    return [
        ("get", reverse("training:event_detail", args=[event.pk])),
        ("get", reverse("training:event_update", args=[event.pk])),
        ("post", reverse("training:event_update", args=[event.pk])),
        ("get", reverse("training:event_delete", args=[event.pk])),
        ("post", reverse("training:event_delete", args=[event.pk])),
        ("post", reverse("training:evidence_upload", args=[event.pk])),
        ("get", reverse("training:attendee_import", args=[event.pk])),
        ("post", reverse("training:attendee_import", args=[event.pk])),
        ("get", reverse("training:attendee_import_preview", args=[event.pk])),
        ("post", reverse("training:attendee_import_confirm", args=[event.pk])),
        ("post", reverse("training:attendee_import_cancel", args=[event.pk])),
        ("get", reverse("training:evidence_download", args=[evidence.pk])),
        ("post", reverse("training:evidence_delete", args=[evidence.pk])),
    ]


@pytest.fixture
def foreign_event(event_factory):
    """An event of 托克托县 (150122) with one evidence file."""
    event = event_factory(county_code="150122", title="托克托县培训")
    evidence = factories.EvidenceFactory(event=event)
    return event, evidence


def test_another_countys_event_is_404_on_every_url(client_for, county_staff, foreign_event):
    client = client_for(county_staff)
    for method, url in event_urls(*foreign_event):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert TrainingEvent.objects.filter(pk=foreign_event[0].pk).exists()


def test_another_countys_list_is_404_and_the_own_list_hides_it(
    client_for, county_staff, foreign_event, event_factory
):
    client = client_for(county_staff)
    assert client.get(reverse("training:event_list"), {"county": "150122"}).status_code == 404
    own = event_factory(title="本县培训")
    response = client.get(reverse("training:event_list"))
    assert [e.pk for e in response.context["events"]] == [own.pk]


@pytest.mark.parametrize("user_fixture", ["auditor", "league_staff"])
def test_auditor_and_league_read_but_cannot_write(request, client_for, user_fixture, foreign_event):
    client = client_for(request.getfixturevalue(user_fixture))
    event, evidence = foreign_event
    assert client.get(reverse("training:event_detail", args=[event.pk])).status_code == 200
    for method, url in event_urls(event, evidence)[1:]:
        if "evidence/" in url and method == "get":
            continue
        assert getattr(client, method)(url).status_code in (403, 404), (method, url)
    assert client.get(reverse("training:event_create")).status_code == 403
    assert client.post(reverse("training:event_import")).status_code == 403
    assert client.post(reverse("training:event_import_confirm")).status_code == 403
    assert TrainingEvent.objects.filter(pk=event.pk).exists()
    assert b"data-confirm" not in client.get(reverse("training:event_detail", args=[event.pk])).content


def test_county_staff_add_edit_and_delete(client_for, county_staff):
    client = client_for(county_staff)
    response = client.post(
        reverse("training:event_create"),
        {
            "county": factories.county("150121").pk,
            "date": "2024-04-26",
            "title": "4·26宣传周知识产权培训",
            "kind": "training",
            "organiser_kind": "bureau",
            "publicity_week": "auto",
            "headcount_management": "１２",
            "headcount_enterprise": "1,050",
        },
    )
    event = TrainingEvent.objects.get()
    assert response.status_code == 302
    assert event.in_publicity_week
    assert {a.category: a.headcount for a in event.audiences.all()} == {"management": 12, "enterprise": 1050}
    response = client.get(reverse("training:event_detail", args=[event.pk]))
    assert b"data-confirm" in response.content
    client.post(
        reverse("training:event_update", args=[event.pk]),
        {
            "date": "2024-05-26",
            "title": "知识产权培训",
            "kind": "training",
            "organiser_kind": "bureau",
            "publicity_week": "auto",
            "headcount_service": "8",
        },
    )
    event.refresh_from_db()
    assert not event.in_publicity_week and event.title == "知识产权培训"
    assert {a.category: a.headcount for a in event.audiences.all()} == {"service": 8}
    response = client.post(reverse("training:event_delete", args=[event.pk]))
    assert response.status_code == 302 and not TrainingEvent.objects.exists()


def test_bad_input_is_shown_again_with_chinese_messages(client_for, county_staff):
    response = client_for(county_staff).post(
        reverse("training:event_create"),
        {
            "county": factories.county("150121").pk,
            "date": "2024-05-01",
            "title": "培训",
            "kind": "training",
            "organiser_kind": "agency",
            "publicity_week": "auto",
            "headcount_service": "-3",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "“-3”" in str(form.errors["headcount_service"])
    assert form["title"].value() == "培训"
    assert not TrainingEvent.objects.exists()


def test_locked_year_is_refused_through_the_pages(client_for, county_staff, event_factory):
    event = event_factory()
    factories.ReportFactory(county=factories.county("150121"), year=2024, status=ReportStatus.APPROVED)
    client = client_for(county_staff)
    response = client.post(reverse("training:event_delete", args=[event.pk]), follow=True)
    assert TrainingEvent.objects.filter(pk=event.pk).exists()
    assert "锁定" in response.content.decode()
    detail = client.get(reverse("training:event_detail", args=[event.pk]))
    assert not detail.context["may_change"]


def test_list_filters_and_totals(client_for, region, event_factory):
    event_factory(audiences={"management": 40, "enterprise": 20})
    event_factory(
        date=datetime.date(2024, 4, 26), kind="publicity", title="宣传周", audiences={"enterprise": 100}
    )
    event_factory(date=datetime.date(2023, 5, 1), title="去年培训")
    event_factory(county_code="150122", title="托县培训")
    client = client_for(region)
    response = client.get(reverse("training:event_list"), {"county": "150121", "year": "2024"})
    assert {e.title for e in response.context["events"]} == {"专利培训", "宣传周"}
    totals = response.context["totals"]
    assert totals["events"] == 2 and totals["training_headcount"] == 60 and totals["week"] == 1
    assert response.context["progress"].training_headcount == 60
    response = client.get(reverse("training:event_list"), {"category": "management"})
    assert [e.title for e in response.context["events"]] == ["专利培训"]
    response = client.get(reverse("training:event_list"), {"publicity_week": "yes"})
    assert [e.title for e in response.context["events"]] == ["宣传周"]
    response = client.get(reverse("training:event_list"), {"kind": "training", "year": "2023"})
    assert [e.title for e in response.context["events"]] == ["去年培训"]


def test_list_is_paginated(client_for, region, event_factory):
    for day in range(1, 31):
        event_factory(date=datetime.date(2024, 6, day), title=f"培训{day}")
    response = client_for(region).get(reverse("training:event_list"), {"page": 2})
    assert len(response.context["events"]) == 5


def test_progress_puts_counties_below_target_first_with_bounded_queries(
    client_for, region, event_factory, django_assert_max_num_queries
):
    factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)
    factories.PilotFactory(county=factories.county("150122"), start_year=2023, end_year=2025)
    event_factory(audiences={"enterprise": 120})
    event_factory(date=datetime.date(2024, 4, 21), kind="publicity", title="宣传周", audiences={})
    event_factory(county_code="150122", audiences={"enterprise": 30})
    client = client_for(region)
    url = reverse("training:progress")
    response = client.get(url, {"year": 2024})
    assert [p.county.code for p in response.context["rows"]] == ["150122", "150121"]
    assert response.context["rows"][1].met
    with django_assert_max_num_queries(12):
        response = client.get(url, {"year": 2024, "scope": "all"})
    assert len(response.context["rows"]) == 103
    response = client.get(url, {"year": 2024, "sort": "-headcount"})
    assert response.context["rows"][0].county.code == "150121"


def test_progress_is_scoped_for_league_staff(client_for, league_staff):
    response = client_for(league_staff).get(reverse("training:progress"), {"year": 2024, "scope": "all"})
    assert {p.county.league.code for p in response.context["rows"]} == {"150100"}


def test_county_page_shows_the_training_panel(client_for, county_staff, event_factory):
    event_factory(date=datetime.date(2024, 6, 1), audiences={"management": 15, "enterprise": 50})
    response = client_for(county_staff).get(reverse("counties:detail", args=["150121"]), {"year": 2024})
    panel = next(p for p in response.context["panels"] if p.template == "training/panel_county.html")
    assert panel.context["progress"].training_headcount == 65
    assert panel.context["progress"].by_category == {"management": 15, "enterprise": 50}
    assert "?county=150121&amp;year=2024" in response.content.decode()


def test_event_list_queries_do_not_grow_with_rows(
    client_for, region, event_factory, django_assert_max_num_queries
):
    codes = ["150121", "150122", "150123", "150124", "150125"]
    for index in range(30):
        event_factory(
            county_code=codes[index % 5], date=datetime.date(2024, 5, 1 + index % 28), title=f"培训{index}"
        )
    client = client_for(region)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("training:event_list"), {"year": 2024})
    assert len(response.context["events"]) == 25


def test_detail_shows_changes_of_the_event_and_its_headcounts(client_for, county_staff):
    from training import services

    event = services.create_event(
        county_staff,
        factories.county("150121"),
        {"date": datetime.date(2024, 5, 2), "title": "培训", "kind": "training"},
        {"service": 5},
    )
    services.update_event(county_staff, event, {}, {"service": 7})
    response = client_for(county_staff).get(reverse("training:event_detail", args=[event.pk]))
    whats = [h["what"] for h in response.context["history"]]
    assert "服务机构人员 7" in whats and "服务机构人员 5" in whats
    assert all(h["user"] == county_staff for h in response.context["history"] if h["what"])


def test_county_page_shows_the_working_year_also_after_the_pilot_ended(
    client_for, county_staff, event_factory
):
    """Issue 16: the county reports for the current year, so the training card shows it (not the last pilot year)."""
    factories.PilotFactory(county=factories.county("150121"), start_year=2020, end_year=2022)
    event_factory(date=datetime.date(2022, 6, 1), audiences={"enterprise": 20})
    client = client_for(county_staff)
    response = client.get(reverse("counties:detail", args=["150121"]))
    panel = next(p for p in response.context["panels"] if p.template == "training/panel_county.html")
    assert panel.context["progress"].year == timezone.localdate().year
    response = client.get(reverse("counties:detail", args=["150121"]), {"year": 2022})
    panel = next(p for p in response.context["panels"] if p.template == "training/panel_county.html")
    assert panel.context["progress"].year == 2022
    assert panel.context["progress"].training_headcount == 20


def test_progress_follows_the_catalogue_target_when_the_region_edits_it(client_for, region, event_factory):
    factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)
    event_factory(audiences={"enterprise": 120})
    url = reverse("training:progress")

    def row(year=2024):
        rows = client_for(region).get(url, {"year": year}).context["rows"]
        return next(p for p in rows if p.county.code == "150121")

    first = (
        row()
    )  # each state is read once: a second request is served from the page cache, without a context
    assert (first.headcount_target, first.headcount_met) == (100, True)
    indicator = Indicator.objects.get(code="training_headcount")
    indicator_services.update_indicator(
        indicator, region, target=150, weight=indicator.weight, reason="新工作方案"
    )
    edited = row()  # the edit changed the site's data version: the page is rendered again
    assert (edited.headcount_target, edited.headcount_met, edited.headcount_percent) == (150, False, 80)
    indicator_services.update_indicator(
        indicator, region, target=200, weight=indicator.weight, reason="提高要求", effective_year=2025
    )
    assert (row(2024).headcount_target, row(2025).headcount_target) == (150, 200)
