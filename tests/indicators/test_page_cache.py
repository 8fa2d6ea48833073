"""Cached page fragments (issue 15): the completeness grid, the dashboards and the county's score panel are
rendered once per data version and served from the cache until a change of the data (a stale mark, a
recompute, a report saved) changes the version."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import services
from indicators.models import AnnualReport
from indicators.pagecache import data_version
from indicators.scoring import all_pairs, recompute
from indicators.selectors import current_year
from tests import factories
from tests.indicators.conftest import GOOD_VALUES, lower_year_values, make_report
from tests.indicators.test_entry import VALID_INPUT

pytestmark = pytest.mark.django_db

PAGES = [
    ("region", "indicators:completeness", {}),
    ("region", "indicators:dashboard", {}),
    ("region", "indicators:county_dashboard", {"code": "150121"}),
    ("region", "counties:detail", {"code": "150121"}),
    ("league_staff", "indicators:league_dashboard", {}),
]


@pytest.fixture
def scored(pilot):
    make_report("150121", 2023, lower_year_values(GOOD_VALUES))
    make_report("150121", 2024)
    make_report("150122", 2024, hightech_certified=5)
    recompute(all_pairs())


def _main(html: bytes) -> str:
    """The page without the CSRF token of the base template (masked anew on each request)."""
    text = html.decode()
    return text[text.index("<main") :]


@pytest.mark.parametrize(("who", "name", "kwargs"), PAGES)
def test_a_cached_page_is_the_page_rendered_afresh_with_fewer_queries(
    request, client_for, scored, who, name, kwargs
):
    client = client_for(request.getfixturevalue(who))
    url = reverse(name, kwargs=kwargs)
    # A first page sets the CSRF cookie that fragments are kept under.
    client.get(reverse("counties:notifications"))
    with CaptureQueriesContext(connection) as fresh:
        first = client.get(url)
    with CaptureQueriesContext(connection) as cached:
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert _main(second.content) == _main(first.content)
    assert len(cached) < len(fresh)


def test_the_version_changes_with_stale_marks_recomputes_and_reports(scored):
    county = factories.county("150121")
    before = data_version()
    assert data_version() == before  # nothing changed, same version
    services.request_score_recompute([(county.pk, 2024)], include_next_year=False)
    marked = data_version()
    assert marked != before
    recompute(all_pairs())
    recomputed = data_version()
    assert recomputed != marked  # the marks cleared, results and scores rewritten
    AnnualReport.objects.get(county=county, year=2024).save()
    assert data_version() != recomputed


def test_the_grid_shows_a_new_report_at_once(client_for, region, county_staff):
    year = current_year()
    factories.PilotFactory(county=factories.county("150121"), start_year=year - 1, end_year=year + 1)
    client = client_for(region)
    url = reverse("indicators:completeness")
    detail = reverse("indicators:report_detail", kwargs={"code": "150121", "year": year})
    before = client.get(url).content.decode()
    report = AnnualReport(county=factories.county("150121"), year=year)
    services.save_report_values(report, dict(VALID_INPUT), {}, county_staff, None)
    after = client.get(url).content.decode()
    assert after != before
    assert after.count(detail) >= 1
    services.submit_report(report, county_staff)
    assert client.get(url).content.decode() != after


def test_the_dashboard_shows_new_scores_after_the_recompute(client_for, region, scored):
    client = client_for(region)
    url = reverse("indicators:county_dashboard", kwargs={"code": "150122"})
    before = client.get(url).content.decode()
    make_report("150122", 2024, hightech_certified=10)
    services.request_score_recompute([(factories.county("150122").pk, 2024)], include_next_year=False)
    marked = client.get(url).content.decode()
    assert marked != before  # the stale mark shows at once (being recomputed)
    recompute(all_pairs())
    assert client.get(url).content.decode() not in (before, marked)
