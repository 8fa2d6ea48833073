"""The 12 leagues and 103 counties are loaded by migration; pilots are designated by command."""

import pytest
from django.core.management import CommandError, call_command

from counties.models import County, League, PilotDesignation

pytestmark = pytest.mark.django_db


def test_migrate_loads_12_leagues_and_103_counties_with_official_codes():
    assert League.objects.count() == 12
    assert County.objects.count() == 103
    assert League.objects.get(code="150100").name == "呼和浩特市"
    assert League.objects.get(code="152900").name == "阿拉善盟"
    tumed_left = County.objects.get(code="150121")
    assert (tumed_left.name, tumed_left.kind, tumed_left.league.code) == ("土默特左旗", "旗", "150100")
    assert County.objects.get(code="152923").name == "额济纳旗"


def test_every_county_code_starts_with_its_league_prefix():
    for county in County.objects.select_related("league"):
        assert county.code[:4] == county.league.code[:4], county


def test_counties_per_league_match_the_divisions_file():
    expected = {
        "150100": 9,
        "150200": 9,
        "150300": 3,
        "150400": 12,
        "150500": 8,
        "150600": 9,
        "150700": 14,
        "150800": 7,
        "150900": 11,
        "152200": 6,
        "152500": 12,
        "152900": 3,
    }
    actual = {league.code: league.counties.count() for league in League.objects.all()}
    assert actual == expected


def test_designate_pilot_command_creates_designations_with_baseline_year():
    call_command("designate_pilot", "150121", "150222", "--start", "2024", "--end", "2026", "--batch", "2")
    pilot = PilotDesignation.objects.get(county__code="150121")
    assert (pilot.batch, pilot.start_year, pilot.end_year, pilot.baseline_year) == (2, 2024, 2026, 2023)
    assert pilot.status == PilotDesignation.Status.ACTIVE
    assert list(pilot.years) == [2024, 2025, 2026]
    assert PilotDesignation.objects.count() == 2


def test_designate_pilot_again_updates_instead_of_duplicating_and_keeps_history():
    call_command("designate_pilot", "150121", "--start", "2024", "--end", "2026")
    call_command("designate_pilot", "150121", "--start", "2025", "--end", "2027")
    pilot = PilotDesignation.objects.get(county__code="150121")
    assert pilot.start_year == 2025
    assert pilot.history.count() == 2


def test_designate_pilot_refuses_unknown_codes_and_changes_nothing():
    with pytest.raises(CommandError, match="999999"):
        call_command("designate_pilot", "150121", "999999", "--start", "2024", "--end", "2026")
    assert not PilotDesignation.objects.exists()


def test_designate_pilot_refuses_end_before_start():
    with pytest.raises(CommandError):
        call_command("designate_pilot", "150121", "--start", "2026", "--end", "2024")
    assert not PilotDesignation.objects.exists()


def test_designation_rescores_the_countys_reported_years(django_capture_on_commit_callbacks):
    from unittest import mock

    from indicators import tasks
    from tests import factories

    county = factories.county("150121")
    factories.ReportFactory(county=county, year=2023)
    factories.ReportFactory(county=county, year=2024)
    with mock.patch.object(tasks.recompute_scores, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("designate_pilot", "150121", "--start", "2024", "--end", "2026")
    delay.assert_called_once_with([(county.pk, 2023), (county.pk, 2024)])
