"""填报说明: the help page lists every field with its rules, and the entry form shows them beside each field."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["county_staff", "league_staff", "region", "auditor"])
def test_every_role_reads_the_reporting_guide(who, request, client_for):
    page = client_for(request.getfixturevalue(who)).get(reverse("indicators:help")).content.decode()
    assert "填报说明" in page
    assert 'id="help-above_scale_with_patents"' in page
    assert "不得超过“规模以上企业数”" in page  # the cross-field rule of SPEC §3
    assert "不少于 1,000" in page and "万人" in page
    assert "根据培训和宣传活动记录自动汇总" in page  # derived elements


def test_the_guide_is_in_the_data_reporting_menu(client_for, county_staff):
    page = client_for(county_staff).get("/", follow=True).content.decode()
    assert reverse("indicators:help") in page


def test_entry_form_shows_each_fields_rules_inline(client_for, county_staff):
    factories.PilotFactory(county=factories.county("150121"))
    page = (
        client_for(county_staff)
        .get(reverse("indicators:report_entry", args=["150121", 2024]))
        .content.decode()
    )
    assert 'data-rules-for="hightech_certified"' in page
    hint = page.split('data-rules-for="hightech_certified">')[1].split("</div>")[0]
    assert (
        "不得超过“高新技术企业数”" in hint and f"{reverse('indicators:help')}#help-hightech_certified" in hint
    )
