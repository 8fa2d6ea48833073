"""The region's home page answers "where do we stand": grades (final and provisional), reports, findings, funds."""

from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from indicators.models import ReportStatus
from indicators.scoring import all_pairs, recompute
from tests import factories
from tests.indicators.factories import GOOD_VALUES, lower_year_values, make_report

pytestmark = pytest.mark.django_db


def test_region_home_shows_where_we_stand(pilot, region, client_for, django_assert_max_num_queries):
    make_report("150121", 2022, lower_year_values(GOOD_VALUES))
    make_report("150121", 2023, GOOD_VALUES)
    approved = factories.ReportFactory(county=factories.county("150121"), year=2023)
    approved.status = ReportStatus.APPROVED
    approved.save()
    recompute(all_pairs())
    facts = {"red_findings": 2, "fund_execution_rate": Decimal("0.5")}
    with (
        mock.patch("config.registry.county_facts", side_effect=lambda ids: {i: dict(facts) for i in ids}),
        mock.patch(
            "indicators.dashboards.timezone.localdate", return_value=__import__("datetime").date(2026, 2, 1)
        ),
    ):
        response = client_for(region).get(reverse("home"))
    assert response.status_code == 200
    (panel,) = [p for p in response.context["panels"] if "standing" in p.template]
    standing = panel.context
    assert standing["year"] == 2023
    assert sum(g["final"] for g in standing["grades"]) == 1
    assert [(c.code, y) for c, y in standing["overdue"]] == [("150121", 2024), ("150121", 2025)]
    assert [c.code for c, _n in standing["red"]] == ["150121"]
    assert [c.code for c, _r in standing["low_execution"]] == ["150121"]
    content = response.content.decode()
    assert "待审核" in content and reverse("indicators:pilot_summary", args=["150121"]) in content
