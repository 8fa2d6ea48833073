"""Issue 16 in the browser: the map opens a county, the designation picker filters by name and league."""

import pytest

from indicators import services
from indicators.selectors import current_year
from tests import factories
from tests.browser.journeys import PASSWORD, stored_complete

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_clicking_a_county_on_the_map_opens_its_page(browser):
    year = current_year()
    county = factories.county("150121")
    factories.PilotFactory(county=county, designation_year=year - 3, start_year=year - 2, end_year=year)
    owner = factories.county_user("150121", username="owner_map")
    report = factories.ReportFactory(county=county, year=year - 1)
    factories.set_values(report, **stored_complete())
    services.submit_report(report, owner)
    factories.region_user(username="region_map", password=PASSWORD)
    browser.login("region_map", PASSWORD)
    browser.visit(f"/data/dashboard/?year={year - 1}", "dashboard")
    page = browser.page
    page.locator("#score-map canvas").first.wait_for()
    page.wait_for_function(
        "() => { const c = echarts.getInstanceByDom(document.getElementById('score-map'));"
        " return c && c.getOption() && c.getOption().series && c.getOption().series.length; }"
    )
    page.locator("#score-map").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """() => {
            const el = document.getElementById("score-map");
            const point = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, "150121");
            const box = el.getBoundingClientRect();
            return [box.left + point[0], box.top + point[1]];
        }"""
    )
    with page.expect_navigation():
        page.mouse.click(x, y)
    assert page.url.endswith("/counties/150121/")
    browser.check("county-from-map")


def test_designation_picker_filters_and_proposes_the_next_batch(browser):
    factories.PilotFactory(county=factories.county("150121"), batch=1)
    factories.region_user(username="region_des", password=PASSWORD)
    browser.login("region_des", PASSWORD)
    browser.visit("/counties/designate/", "designate")
    page = browser.page
    assert page.input_value('input[name="batch"]') == "2"
    page.fill("[data-county-filter]", "包头")
    visible = page.locator("[data-league-group]:visible [data-league-name]").all_inner_texts()
    assert visible == ["包头市"]
    page.fill("[data-county-filter]", "")
    page.locator("[data-league-group]", has_text="包头市").locator("[data-select-league]").click()
    in_league = factories.County.objects.filter(league__name="包头市").count()
    assert page.locator('input[name="counties"]:checked').count() == in_league
    browser.check("designate-league-chosen")
