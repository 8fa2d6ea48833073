"""The completeness grid (county × year, status per cell) and a county's own list of years."""

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import AnnualReport, ReportStatus
from indicators.selectors import current_year
from tests import factories
from tests.indicators.test_entry import VALID_INPUT

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(county_staff, other_county_staff, region):
    """150121 (batch 1) has an approved and a draft year; 150122 (batch 2) a submitted one; 150221 (包头) a draft."""
    this_year = current_year()
    factories.PilotFactory(
        county=factories.county("150121"), start_year=this_year - 2, end_year=this_year, batch=1
    )
    factories.PilotFactory(
        county=factories.county("150122"), start_year=this_year - 1, end_year=this_year + 1, batch=2
    )
    made = {}
    for code, year, user in [
        ("150121", this_year - 1, county_staff),
        ("150121", this_year, county_staff),
        ("150122", this_year, other_county_staff),
        ("150221", this_year, region),
    ]:
        report = AnnualReport(county=factories.county(code), year=year)
        services.save_report_values(report, dict(VALID_INPUT), {}, user, None)
        made[(code, year)] = report
    services.submit_report(made[("150121", this_year - 1)], county_staff)
    services.approve_report(made[("150121", this_year - 1)], region)
    services.submit_report(made[("150122", this_year)], other_county_staff)
    return made


def statuses(response):
    return {
        (row.county.code, year): (report.status if report else ("expected" if in_range else "-"))
        for row in response.context["rows"]
        for year, report, in_range, _overdue in row.cells
    }


def test_region_staff_see_all_103_counties_with_each_status(client_for, region, reports):
    response = client_for(region).get(reverse("indicators:completeness"), {"pilots": "0"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 103
    grid = statuses(response)
    this_year = current_year()
    assert grid[("150121", this_year - 1)] == ReportStatus.APPROVED
    assert grid[("150121", this_year)] == ReportStatus.DRAFT
    assert grid[("150122", this_year)] == ReportStatus.SUBMITTED
    assert grid[("150122", this_year - 2)] == "expected"  # batch 2's baseline year, not reported
    assert grid[("150122", this_year - 3)] == "-"  # before the baseline year
    assert grid[("150521", this_year)] == "expected"


def test_the_grid_runs_a_bounded_number_of_queries(
    client_for, region, reports, django_assert_max_num_queries
):
    client = client_for(region)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("indicators:completeness"), {"pilots": "0"})
    assert len(response.context["rows"]) == 103


def test_filters_by_league_and_batch(client_for, region, reports):
    client = client_for(region)
    by_league = client.get(reverse("indicators:completeness"), {"league": "150200", "pilots": "0"})
    assert {row.county.league.code for row in by_league.context["rows"]} == {"150200"}
    by_batch = client.get(reverse("indicators:completeness"), {"batch": "2"})
    assert [row.county.code for row in by_batch.context["rows"]] == ["150122"]
    pilots = client.get(reverse("indicators:completeness"), {"pilots": "1"})
    assert [row.county.code for row in pilots.context["rows"]] == ["150121", "150122"]


def test_the_grid_shows_the_pilot_counties_unless_asked_for_all(client_for, region, reports):
    client = client_for(region)
    default = client.get(reverse("indicators:completeness"))
    assert [row.county.code for row in default.context["rows"]] == ["150121", "150122"]
    assert 'name="pilots"' in default.content.decode()


def test_filters_by_status(client_for, region, reports):
    client = client_for(region)
    this_year = current_year()

    def codes(**params):
        response = client.get(reverse("indicators:completeness"), params)
        return [row.county.code for row in response.context["rows"]]

    assert codes(status="submitted") == ["150122"]
    assert codes(status="approved") == ["150121"]
    assert "150122" in codes(status="missing")  # batch 2's baseline year is not reported
    assert len(codes(status="missing", pilots="0")) == 103
    assert (
        statuses(client.get(reverse("indicators:completeness"), {"status": "draft"}))[("150121", this_year)]
        == ReportStatus.DRAFT
    )


def test_league_staff_see_only_their_league(client_for, league_staff, reports):
    response = client_for(league_staff).get(reverse("indicators:completeness"))
    assert response.status_code == 200
    codes = {row.county.code for row in response.context["rows"]}
    assert "150121" in codes and "150122" in codes
    assert {row.county.league.code for row in response.context["rows"]} == {"150100"}
    other_league = client_for(league_staff).get(reverse("indicators:completeness"), {"league": "150200"})
    assert list(other_league.context["rows"]) == []


def test_a_countys_page_lists_its_years_with_status_and_links(client_for, county_staff, reports):
    this_year = current_year()
    response = client_for(county_staff).get(reverse("counties:detail", kwargs={"code": "150121"}))
    assert response.status_code == 200
    content = response.content.decode()
    panel = next(
        p for p in response.context["panels"] if p.template == "indicators/reports/_county_panel.html"
    )
    assert [row["year"] for row in panel.context["rows"]] == list(range(this_year, this_year - 4, -1))
    by_year = {row["year"]: row for row in panel.context["rows"]}
    assert by_year[this_year - 3]["baseline"] and by_year[this_year - 3]["report"] is None
    assert not by_year[this_year - 1]["can_edit"]  # approved
    assert by_year[this_year]["can_edit"]
    assert reverse("indicators:report_entry", kwargs={"code": "150121", "year": this_year}) in content
    assert reverse("indicators:report_detail", kwargs={"code": "150121", "year": this_year - 1}) in content


def test_league_staff_see_the_years_without_entry_links(client_for, league_staff, reports):
    response = client_for(league_staff).get(reverse("counties:detail", kwargs={"code": "150121"}))
    panel = next(
        p for p in response.context["panels"] if p.template == "indicators/reports/_county_panel.html"
    )
    assert not any(row["can_edit"] for row in panel.context["rows"])
    assert "/entry/" not in response.content.decode()
