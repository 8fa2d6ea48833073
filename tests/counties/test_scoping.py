"""Scoping: who sees and who changes which counties (SPEC §1)."""

import pytest
from django.http import Http404

from counties.models import County
from counties.scoping import (
    can_change_county,
    can_view_county,
    changeable_counties,
    get_county_or_404,
    scope_queryset,
    visible_counties,
    visible_leagues,
)
from tests import factories

pytestmark = pytest.mark.django_db


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_county_user_sees_and_changes_exactly_their_county(county_staff):
    assert codes(visible_counties(county_staff)) == {"150121"}
    assert codes(changeable_counties(county_staff)) == {"150121"}
    assert not can_view_county(county_staff, County.objects.get(code="150122"))
    with pytest.raises(Http404):
        get_county_or_404(county_staff, "150122")


def test_league_user_sees_their_league_and_changes_no_county(league_staff):
    expected = set(County.objects.filter(league__code="150100").values_list("code", flat=True))
    assert len(expected) == 9
    assert codes(visible_counties(league_staff)) == expected
    assert not changeable_counties(league_staff).exists()
    assert list(visible_leagues(league_staff).values_list("code", flat=True)) == ["150100"]
    assert not can_view_county(league_staff, County.objects.get(code="150222"))


def test_region_user_sees_and_changes_everything(region):
    assert visible_counties(region).count() == 103
    assert changeable_counties(region).count() == 103


def test_auditor_sees_everything_and_changes_nothing(auditor):
    assert visible_counties(auditor).count() == 103
    assert not changeable_counties(auditor).exists()
    assert not can_change_county(auditor, County.objects.get(code="150121"))


def test_inactive_and_anonymous_users_see_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    inactive = factories.county_user("150121", username="inactive", is_active=False)
    assert not visible_counties(inactive).exists()
    assert not visible_counties(AnonymousUser()).exists()


def test_county_staff_without_a_county_sees_nothing(db):
    orphan = factories.UserFactory(username="orphan", role="county_staff", county=None)
    assert not visible_counties(orphan).exists()


def test_scope_queryset_follows_a_lookup_path(county_staff, league_staff):
    from counties.models import PilotDesignation

    factories.PilotFactory(county=factories.county("150121"))
    factories.PilotFactory(county=factories.county("150222"))
    mine = scope_queryset(county_staff, PilotDesignation.objects.all())
    assert [p.county.code for p in mine] == ["150121"]
    assert not scope_queryset(league_staff, PilotDesignation.objects.all(), for_change=True).exists()
