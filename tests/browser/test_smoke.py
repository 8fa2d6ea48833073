"""The infrastructure itself: a page is checked at every width and in English."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_login_and_county_home(browser):
    factories.PilotFactory(county=factories.county("150121"))
    factories.county_user("150121", username="county_b", password="pass-Word-123")
    browser.login("county_b", "pass-Word-123")
    browser.set_language("en")
    browser.visit("/", "county-home-en")
