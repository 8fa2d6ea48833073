"""Issue 16, point 7: pickers bounded and grouped, the training card's working year, formulas with parentheses."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.selectors import programme_years
from tests import factories

pytestmark = pytest.mark.django_db


def test_year_pickers_offer_the_programmes_years_not_2000(client_for, county_staff):
    year = timezone.localdate().year
    factories.PilotFactory(county=factories.county("150121"), start_year=year - 8, end_year=year - 6)
    assert programme_years() == list(range(year, year - 10, -1))  # from the baseline year (start − 1) on
    page = client_for(county_staff).get(reverse("indicators:import")).content.decode()
    offered = {int(y) for y in re.findall(r'<option value="(\d{4})"', page)}
    assert offered == set(range(year - 9, year + 1))


def test_without_pilots_the_years_are_those_a_county_may_report():
    year = timezone.localdate().year
    assert programme_years() == list(range(year, year - 6, -1))


def test_designation_picker_groups_counties_by_league_and_proposes_the_next_batch(client_for, region):
    factories.PilotFactory(county=factories.county("150121"), batch=2)
    page = client_for(region).get(reverse("counties:designate")).content.decode()
    assert page.count("data-league-group") == 12  # one group per league
    assert 'name="batch" value="3"' in page
    assert "data-county-filter" in page and "js/designate.js" in page
    assert "<select" not in page.split("data-county-picker")[1].split("</form>")[0].split('name="batch"')[0]


def test_formula_of_a_sum_over_a_sum_has_parentheses(client_for, auditor):
    page = client_for(auditor).get(reverse("indicators:catalogue")).content.decode()
    cell = re.search(r'data-formula="patent_structure">(.*?)</td>', page).group(1)
    assert cell.startswith("(发明专利申请量 + 实用新型专利申请量) ÷ (")
    single = re.search(r'data-formula="patents_per_10k">(.*?)</td>', page).group(1)
    assert single.startswith("有效发明专利拥有量 ÷ ")
