"""Every page of the navigation, for every role, in English and in Chinese: the page checks of conftest
(no console error, no failed request, no horizontal overflow at 1024/1366/1920 px, nothing left untranslated
in English) applied to each."""

import pytest

from indicators import services
from indicators.selectors import current_year
from tests import factories
from tests.browser.journeys import PASSWORD, stored_complete

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Chinese is checked for the roles with the most (region) and the most different (county) pages.
LANGUAGES = {"region": ("en", "zh-hans"), "county": ("en", "zh-hans"), "league": ("en",), "auditor": ("en",)}
ROLES = {
    "region": lambda: factories.region_user(username="region_p", password=PASSWORD),
    "county": lambda: factories.county_user("150121", username="county_p", password=PASSWORD),
    "league": lambda: factories.league_user("150100", username="league_p", password=PASSWORD),
    "auditor": lambda: factories.auditor_user(username="auditor_p", password=PASSWORD),
}


@pytest.fixture
def programme(browser):
    """Two pilots with an approved and a submitted year, so that pages show statuses, scores and grades."""
    year = current_year()
    region = factories.region_user(username="region_seed")
    for code, batch in (("150121", 1), ("150123", 2)):
        county = factories.county(code)
        factories.PilotFactory(
            county=county, batch=batch, designation_year=year - 3, start_year=year - 2, end_year=year
        )
        owner = factories.county_user(code, username=f"owner_{code}")
        for offset, approve in ((2, True), (1, False)):
            report = factories.ReportFactory(county=county, year=year - offset)
            factories.set_values(report, **stored_complete())
            services.submit_report(report, owner)
            if approve:
                services.approve_report(report, region)


def _nav_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav.navbar a.nav-link[href]:not([href='#']), nav.navbar a.dropdown-item[href]",
        "links => links.map(a => a.getAttribute('href'))",
    )
    return list(dict.fromkeys(h for h in hrefs if h.startswith("/") and not h.startswith("/admin")))


def _tour(browser, role):
    ROLES[role]()
    browser.login(f"{role}_p", PASSWORD)
    browser.collect = True
    for language in LANGUAGES[role]:
        browser.set_language(language)
        browser.visit("/", f"{language}-home")
        for href in _nav_links(browser.page):
            browser.visit(href, f"{language}{href}")
    browser.raise_problems()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_navigation(browser, programme, role):
    _tour(browser, role)
