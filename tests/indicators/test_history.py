"""Every change of every value is kept with who, when, old and new value, and shown on the report page."""

from decimal import Decimal

import pytest

from indicators import services
from indicators.models import AnnualReport, DataValue
from tests import factories
from tests.indicators.test_entry import VALID_INPUT, detail_url, entry_url, post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(db):
    return factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)


def test_each_save_records_old_and_new_values_with_user_and_reason(county_staff, region, pilot):
    report = AnnualReport(county=factories.county("150121"), year=2024)
    services.save_report_values(report, dict(VALID_INPUT), {}, county_staff, 0)
    services.save_report_values(report, {"gi_products": "3"}, {}, region, 1, change_reason="核对统计年鉴")
    value = DataValue.objects.get(report=report, element__code="gi_products")
    records = list(value.history.order_by("history_date", "history_id"))
    assert [(r.value, r.history_user) for r in records] == [(Decimal(2), county_staff), (Decimal(3), region)]
    assert records[-1].history_change_reason == "核对统计年鉴"


def test_an_unchanged_save_writes_no_history(county_staff, pilot):
    report = AnnualReport(county=factories.county("150121"), year=2024)
    services.save_report_values(report, dict(VALID_INPUT), {}, county_staff, 0)
    before = DataValue.history.count()
    result = services.save_report_values(report, dict(VALID_INPUT), {}, county_staff, 1)
    assert DataValue.history.count() == before
    assert (result.created, result.changed, result.unchanged) == (0, 0, 27)


def test_the_report_page_shows_the_table_of_changes(client_for, county_staff, region, pilot):
    client = client_for(county_staff)
    client.post(entry_url(), post_data())
    client.post(entry_url(), post_data(dict(VALID_INPUT, enforcement_cases="15"), version=1))
    response = client_for(region).get(detail_url())
    assert response.status_code == 200
    rows = response.context["history"]
    change = rows[0]
    assert (change["element"].code, change["old"], change["new"], change["user"]) == (
        "enforcement_cases",
        Decimal(12),
        Decimal(15),
        county_staff,
    )
    assert len(rows) == 28  # 27 first entries and the one change
    content = response.content.decode()
    assert "修改记录" in content and "查处知识产权侵权假冒案件数" in content and "county_t" in content


def test_clearing_a_value_is_a_change_too(county_staff, pilot):
    report = AnnualReport(county=factories.county("150121"), year=2024)
    services.save_report_values(report, dict(VALID_INPUT), {}, county_staff, 0)
    services.save_report_values(report, {"gi_products": ""}, {}, county_staff, 1)
    from indicators.selectors import history_rows

    change = history_rows(report)[0]
    assert (change["element"].code, change["old"], change["new"]) == ("gi_products", Decimal(2), None)
