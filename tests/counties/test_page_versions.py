"""Pages built from every app (the county page, the home pages, the dashboards' panels) are cached on the version
of the site's data (``config.pagecache.site_version``): every write shows at once, reads cost one query."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.pagecache import site_version
from counties.models import Notification, PilotDesignation
from counties.notifications import mark_read
from tests import factories
from tests.funding.conftest import record

pytestmark = pytest.mark.django_db

URL = "/counties/150121/"


def test_the_version_stays_while_nothing_changes_and_moves_with_every_kind_of_write(region, county_staff):
    versions = [site_version()]
    assert site_version() == versions[0]

    def changed():
        versions.append(site_version())
        assert versions[-1] != versions[-2]

    factories.make_event("150121", datetime.date(2025, 4, 22))
    changed()
    record(region, "allocation", "regional", Decimal("50"))
    changed()
    pilot = factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)
    changed()
    pilot.status = PilotDesignation.Status.PASSED
    pilot.save()
    changed()
    note = Notification.objects.create(user=county_staff, title="检查结果")
    changed()
    mark_read(county_staff, note)
    changed()
    factories.make_report("150121", 2024)
    changed()


def test_a_new_finding_shows_on_the_cached_county_page_at_once(client_for, region):
    from inspections import services
    from inspections.models import InspectionKind

    client = client_for(region)
    assert "专项资金挪用" not in client.get(URL).content.decode()
    inspection = services.create_inspection(
        user=region,
        county=factories.county("150121"),
        fields={"kind": InspectionKind.FUNDS, "date": datetime.date(2025, 3, 1), "inspectors": "张三"},
    )
    assert "专项资金挪用" not in client.get(URL).content.decode()
    services.create_finding(
        user=region,
        inspection=inspection,
        fields={
            "category": "funds",
            "severity": "serious",
            "description": "专项资金挪用",
            "requirement": "建立专账",
            "deadline": datetime.date(2025, 7, 1),
        },
        today=datetime.date(2025, 6, 1),
    )
    assert "专项资金挪用" in client.get(URL).content.decode()


def test_a_fund_entry_shows_on_the_cached_county_page_at_once(client_for, region):
    client = client_for(region)
    before = client.get(URL).content.decode()
    record(region, "allocation", "regional", Decimal("1234.5"))
    after = client.get(URL).content.decode()
    assert "1,234.50" in after and "1,234.50" not in before


def test_each_user_gets_their_own_copy_of_the_page(client_for, region, county_staff):
    factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)
    assert "/pilot/" in client_for(region).get(URL).content.decode()  # 修改认定 for the regional office only
    assert "/pilot/" not in client_for(county_staff).get(URL).content.decode()


def test_a_cached_county_page_costs_a_fixed_few_queries(client_for, region):
    client = client_for(region)
    client.get(URL)  # the first visit sets the CSRF cookie; fragments are kept per browser (its CSRF secret)
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    with CaptureQueriesContext(connection) as again:
        client.get(URL)
    assert len(again) < len(first)
    assert len(again) <= 6  # session, user, county (scope), site version, notifications badge


def test_a_role_changed_by_an_administrator_shows_at_once(client_for, region):
    from counties.models import Role, User

    factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)
    client = client_for(region)
    assert "/pilot/" in client.get(URL).content.decode()
    User.objects.filter(pk=region.pk).update(role=Role.AUDITOR)  # no history row, no version change
    assert "/pilot/" not in client.get(URL).content.decode()
