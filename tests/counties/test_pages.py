"""Home pages per role, the county list with search and filters, and the county page's scope."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilots(db):
    factories.PilotFactory(county=factories.county("150121"), batch=1)
    factories.PilotFactory(county=factories.county("150222"), batch=2, start_year=2025, end_year=2027)


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_county_staff_lands_on_their_county_page(client_for, county_staff):
    response = client_for(county_staff).get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.context["county"].code == "150121"
    assert "土默特左旗" in response.content.decode()


def test_region_home_lists_pilot_counties_with_filters(client_for, region, pilots):
    response = client_for(region).get(reverse("home"))
    assert response.status_code == 200
    assert {c.code for c in response.context["counties"]} == {"150121", "150222"}
    response = client_for(region).get(reverse("home"), {"league": "150200"})
    assert [c.code for c in response.context["counties"]] == ["150222"]
    response = client_for(region).get(reverse("home"), {"batch": "1"})
    assert [c.code for c in response.context["counties"]] == ["150121"]
    response = client_for(region).get(reverse("home"), {"q": "固阳"})
    assert [c.code for c in response.context["counties"]] == ["150222"]


def test_league_home_shows_only_their_league(client_for, league_staff):
    response = client_for(league_staff).get(reverse("home"))
    assert response.status_code == 200
    assert {c.league.code for c in response.context["page_obj"].paginator.object_list} == {"150100"}


def test_auditor_home_lists_pilots(client_for, auditor, pilots):
    response = client_for(auditor).get(reverse("home"))
    assert response.status_code == 200
    assert {c.code for c in response.context["counties"]} == {"150121", "150222"}


def test_county_list_paginates_all_103_counties_in_bounded_queries(
    client_for, region, django_assert_max_num_queries
):
    client = client_for(region)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("counties:list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 103
    assert len(response.context["counties"]) == 25


def test_another_countys_page_is_404_for_county_staff(client_for, county_staff):
    assert client_for(county_staff).get(reverse("counties:detail", args=["150122"])).status_code == 404
    assert client_for(county_staff).get(reverse("counties:detail", args=["150121"])).status_code == 200


def test_league_staff_cannot_open_a_county_of_another_league(client_for, league_staff):
    assert client_for(league_staff).get(reverse("counties:detail", args=["150222"])).status_code == 404
    assert client_for(league_staff).get(reverse("counties:detail", args=["150122"])).status_code == 200


def _nav_urls(entries):
    urls = []
    for entry in entries:
        urls.extend(child["url"] for child in entry["children"]) if "children" in entry else urls.append(
            entry["url"]
        )
    return urls


def test_navigation_shows_each_role_its_entries_grouped_in_menus(client_for, county_staff, region, auditor):
    county_nav = client_for(county_staff).get(reverse("home"), follow=True).context["nav_items"]
    region_nav = client_for(region).get(reverse("home")).context["nav_items"]
    auditor_nav = client_for(auditor).get(reverse("home")).context["nav_items"]
    assert reverse("counties:list") not in _nav_urls(county_nav)
    assert reverse("counties:list") in _nav_urls(region_nav)
    assert reverse("counties:designate") in _nav_urls(region_nav)
    assert reverse("counties:designate") not in _nav_urls(auditor_nav)
    data_menu = next(entry for entry in region_nav if entry["label"] == "数据报送")
    assert reverse("indicators:review_queue") in [child["url"] for child in data_menu["children"]]
    assert all("children" not in entry or len(entry["children"]) > 1 for entry in county_nav)


def test_language_switcher_offers_english(client_for, region):
    client = client_for(region)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Pilot counties" in client.get(reverse("home")).content.decode()


def test_region_staff_designate_pilots_in_the_portal(client_for, region):
    from counties.models import PilotDesignation

    client = client_for(region)
    ids = list(factories.County.objects.filter(code__in=["150121", "150423"]).values_list("pk", flat=True))
    response = client.post(
        reverse("counties:designate"),
        {
            "counties": ids,
            "batch": 3,
            "designation_year": 2026,
            "start_year": 2027,
            "end_year": 2029,
            "status": "active",
        },
    )
    assert response.status_code == 302
    assert set(PilotDesignation.objects.filter(batch=3).values_list("county__code", flat=True)) == {
        "150121",
        "150423",
    }


def test_designation_form_reshows_input_with_a_chinese_error(client_for, region):
    client = client_for(region)
    ids = list(factories.County.objects.filter(code="150121").values_list("pk", flat=True))
    response = client.post(
        reverse("counties:designate"),
        {
            "counties": ids,
            "batch": 1,
            "designation_year": 2026,
            "start_year": 2029,
            "end_year": 2027,
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "结束年度不能早于起始年度" in response.content.decode()
    assert 'value="2029"' in response.content.decode()
    assert not factories.PilotDesignation.objects.exists()


@pytest.mark.parametrize("fixture", ["county_staff", "league_staff", "auditor"])
def test_only_region_staff_designate_or_edit_pilots(client_for, request, fixture, pilots):
    client = client_for(request.getfixturevalue(fixture))
    assert client.get(reverse("counties:designate")).status_code == 403
    assert (
        client.post(reverse("counties:pilot_edit", args=["150121"]), {"status": "withdrawn"}).status_code
        == 403
    )
    assert factories.PilotDesignation.objects.get(county__code="150121").status == "active"


def test_region_staff_mark_a_pilot_accepted(client_for, region, pilots):
    response = client_for(region).post(
        reverse("counties:pilot_edit", args=["150121"]),
        {"batch": 1, "designation_year": 2022, "start_year": 2023, "end_year": 2025, "status": "passed"},
    )
    assert response.status_code == 302
    assert factories.PilotDesignation.objects.get(county__code="150121").status == "passed"


def test_portal_is_chinese_by_default_whatever_the_browser_asks(client_for, region):
    response = client_for(region).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "试点县" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"
