"""Dashboards read stored scores, are scoped to the user, and run a bounded number of queries."""

import json
from unittest import mock

import pytest
from django.urls import reverse

from counties.models import County
from indicators.models import AnnualReport, DataElement, DataValue, StaleScore
from indicators.scoring import all_pairs, recompute
from tests import factories
from tests.indicators.factories import GOOD_VALUES, lower_year_values

pytestmark = pytest.mark.django_db

YEARS = [2022, 2023, 2024, 2025]
PILOTS = {"150121": 1, "150122": 1, "150222": 2, "150425": 2}


def seed_all_counties(years=YEARS):
    """Every one of the 103 counties reports every year; some are pilots; scores are computed once."""
    elements = {e.code: e for e in DataElement.objects.filter(is_derived=False)}
    counties = list(County.objects.all())
    reports = AnnualReport.objects.bulk_create(
        [AnnualReport(county=c, year=y) for c in counties for y in years]
    )
    values = []
    for report in reports:
        base = GOOD_VALUES if report.year % 2 == 0 else lower_year_values(GOOD_VALUES)
        if report.county.code.endswith("3"):
            base = {**base, "hightech_certified": 3}
        values.extend(DataValue(report=report, element=elements[c], value=v) for c, v in base.items())
    DataValue.objects.bulk_create(values, batch_size=2000)
    for code, batch in PILOTS.items():
        factories.PilotFactory(county=factories.county(code), batch=batch, start_year=2023, end_year=2025)
    recompute(all_pairs())


@pytest.fixture
def seeded(db):
    seed_all_counties()


def test_region_dashboard_ranks_pilots_by_score(seeded, region, client_for):
    response = client_for(region).get(reverse("indicators:dashboard"))
    assert response.status_code == 200
    rows = response.context["pilots"]
    assert {r.county.code for r in rows} == set(PILOTS)
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    assert rows[0].rank == 1
    assert response.context["year"] == 2025
    assert all(len(json.loads(r.sparkline)) == len(YEARS) for r in rows)
    content = response.content.decode()
    assert "土默特左旗" in content and "达标" in content


def test_dashboard_shows_every_scored_county_on_the_map(seeded, auditor, client_for):
    response = client_for(auditor).get(reverse("indicators:dashboard"), {"year": 2024})
    assert response.status_code == 200
    assert response.context["year"] == 2024
    codes = {item["name"] for item in response.context["map_data"]}
    assert len(codes) == 103
    compliance = {row["indicator"].code: row for row in response.context["compliance"]}
    assert compliance["ip_office"]["met"] == len(PILOTS)
    assert sum(row["count"] for row in response.context["league_rows"]) == 103


def test_dashboard_filters_by_league_and_batch(seeded, region, client_for):
    client = client_for(region)
    by_league = client.get(reverse("indicators:dashboard"), {"league": "150100"}).context["pilots"]
    assert {r.county.code for r in by_league} == {"150121", "150122"}
    by_batch = client.get(reverse("indicators:dashboard"), {"batch": 2}).context["pilots"]
    assert {r.county.code for r in by_batch} == {"150222", "150425"}


def test_region_dashboard_runs_a_bounded_number_of_queries(
    seeded, region, client_for, django_assert_max_num_queries
):
    client = client_for(region)
    # 14 for the dashboard itself, +1 the grade names in the language of the page, +1 the unread notifications,
    # +1 the data version the cached fragment is keyed on (a second request hits the cache: see test_page_cache),
    # +1 the site version the other apps' panels are cached on.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("indicators:dashboard"))
    assert len(response.context["map_data"]) == 103


def test_county_and_league_dashboards_run_a_bounded_number_of_queries(
    seeded, league_staff, region, client_for, django_assert_max_num_queries
):
    league_client, region_client = client_for(league_staff), client_for(region)
    # 14 for the dashboard itself, +1 the unread notification count of the top bar, +1 the overdue-findings panel,
    # +1 the grade names in the language of the page, +1 the data version of the cached fragment, +1 the site
    # version the panels are cached on.
    with django_assert_max_num_queries(19):
        assert league_client.get(reverse("indicators:league_dashboard")).status_code == 200
    with django_assert_max_num_queries(13):  # +1 the grade names in the language of the page
        response = region_client.get(reverse("indicators:county_dashboard", args=["150121"]))
    assert response.status_code == 200
    assert len(response.context["lines"]) == 21 and response.context["years"] == YEARS


def test_dashboards_read_stored_scores_and_never_recompute(seeded, region, client_for):
    with mock.patch("indicators.scoring.recompute", side_effect=AssertionError("recomputed")):
        client = client_for(region)
        assert client.get(reverse("indicators:dashboard")).status_code == 200
        assert client.get(reverse("indicators:county_dashboard", args=["150121"])).status_code == 200
        assert client.get(reverse("counties:detail", args=["150121"])).status_code == 200


def test_county_staff_cannot_see_the_region_or_league_dashboard(county_staff, client_for):
    client = client_for(county_staff)
    assert client.get(reverse("indicators:dashboard")).status_code == 403
    assert client.get(reverse("indicators:league_dashboard")).status_code == 403


def test_league_staff_see_only_their_league(seeded, league_staff, client_for):
    client = client_for(league_staff)
    assert client.get(reverse("indicators:dashboard")).status_code == 403
    response = client.get(reverse("indicators:league_dashboard"), {"league": "150200"})
    assert response.status_code == 200
    assert {r.county.code for r in response.context["pilots"]} == {"150121", "150122"}
    assert {item["name"][:4] for item in response.context["map_data"]} == {"1501"}
    assert "包头" not in "".join(row["league"].name for row in response.context["league_rows"])
    assert client.get(reverse("indicators:county_dashboard", args=["150121"])).status_code == 200
    assert client.get(reverse("indicators:county_dashboard", args=["150222"])).status_code == 404


def test_county_staff_see_their_own_county_page_only(seeded, county_staff, client_for):
    client = client_for(county_staff)
    response = client.get(reverse("indicators:county_dashboard", args=["150121"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "上年" in content and "目标" in content
    assert client.get(reverse("indicators:county_dashboard", args=["150122"])).status_code == 404


def test_county_page_explains_each_status_and_lists_what_is_missing(pilot, region, client_for):
    from tests.indicators.factories import make_report

    make_report("150121", 2024, above_scale_output=None)
    recompute(all_pairs())
    response = client_for(region).get(reverse("indicators:county_dashboard", args=["150121"]))
    content = response.content.decode()
    assert "上年数据缺失" in content
    missing = {(m["year"], m["indicator"].code) for m in response.context["missing"]}
    assert (2024, "ip_output_share") in missing and (2024, "trademarks") in missing


def test_county_page_panel_shows_the_score_and_links_to_details(seeded, county_staff, client_for):
    response = client_for(county_staff).get(reverse("counties:detail", args=["150121"]))
    content = response.content.decode()
    assert reverse("indicators:county_dashboard", args=["150121"]) in content
    assert "考核得分" in content


def test_pages_show_when_scores_are_being_recomputed(seeded, region, client_for):
    client = client_for(region)
    status_url = reverse("indicators:score_status")
    assert "正在重新计算" not in client.get(reverse("indicators:dashboard")).content.decode()
    assert client.get(status_url).json() == {"stale": 0}
    county = factories.county("150121")
    StaleScore.objects.create(county=county, year=2025)
    assert "正在重新计算" in client.get(reverse("indicators:dashboard")).content.decode()
    assert (
        "正在重新计算" in client.get(reverse("indicators:county_dashboard", args=["150121"])).content.decode()
    )
    assert "正在重新计算" in client.get(reverse("counties:detail", args=["150121"])).content.decode()
    assert client.get(status_url, {"county": "150121"}).json() == {"stale": 1}
    assert client.get(status_url, {"county": "150122"}).json() == {"stale": 0}


def test_score_status_is_scoped(seeded, county_staff, client_for):
    StaleScore.objects.create(county=factories.county("150122"), year=2025)
    client = client_for(county_staff)
    assert client.get(reverse("indicators:score_status")).json() == {"stale": 0}
    assert client.get(reverse("indicators:score_status"), {"county": "150122"}).status_code == 404


def test_empty_dashboard_says_there_are_no_scores_yet(region, client_for):
    response = client_for(region).get(reverse("indicators:dashboard"))
    assert response.status_code == 200
    assert response.context["year"] is None
    assert response.context["pilots"] == []
    assert "尚未计算任何得分" in response.content.decode()
