"""Target versions (生效年度): a change effective from Y leaves every result before Y untouched and rescores Y on."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from indicators import services
from indicators.models import CatalogueVersion, CountyYearScore, GradeBand, Indicator, IndicatorResult
from indicators.scoring import all_pairs, recompute
from indicators.targets import version_in_force
from tests.indicators.factories import GOOD_VALUES, lower_year_values, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(pilot):
    """Four years of 土默特左旗 where 贯标覆盖率 is 80 % (misses the target 100 every year)."""
    lower = lower_year_values
    make_report("150121", 2022, lower(lower(lower(GOOD_VALUES))), hightech_certified=8)
    make_report("150121", 2023, lower(lower(GOOD_VALUES)), hightech_certified=8)
    make_report("150121", 2024, lower(GOOD_VALUES), hightech_certified=8)
    make_report("150121", 2025, GOOD_VALUES, hightech_certified=8)
    recompute(all_pairs())


def _rows(years):
    results = [
        model_to_dict(r) | {"computed_at": r.computed_at}
        for r in IndicatorResult.objects.filter(year__in=years).order_by("year", "indicator_id")
    ]
    scores = [
        model_to_dict(s) | {"computed_at": s.computed_at}
        for s in CountyYearScore.objects.filter(year__in=years).order_by("year")
    ]
    return results, scores


def test_a_target_change_from_y_leaves_earlier_years_untouched_and_rescores_y_on(
    scored, region, django_capture_on_commit_callbacks
):
    before_early = _rows([2022, 2023])
    before_late = _rows([2024, 2025])
    certification = Indicator.objects.get(code="hightech_certification")
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.update_indicator(
            certification,
            region,
            target=Decimal(80),
            weight=certification.weight,
            reason="调整",
            effective_year=2024,
        )
    assert changed
    assert _rows([2022, 2023]) == before_early  # row equality, computed_at included
    results = {
        r.year: r for r in IndicatorResult.objects.filter(indicator=certification, county__code="150121")
    }
    assert results[2023].status == "not_met" and results[2023].target == 100
    assert results[2024].status == "met" and results[2024].target == 80
    assert results[2025].status == "met"
    assert _rows([2024, 2025]) != before_late
    late_scores = {s.year: s.score for s in CountyYearScore.objects.filter(year__in=[2024, 2025])}
    early_scores = {s["year"]: s["score"] for s in before_late[1]}
    assert all(late_scores[y] > early_scores[y] for y in (2024, 2025))

    # The version in force per year, and a full recompute keeps the split.
    assert version_in_force(certification, 2023)["target"] == 100
    assert version_in_force(certification, 2025)["target"] == 80
    assert version_in_force(certification, 2025)["reason"] == "调整"
    recompute(all_pairs())
    assert IndicatorResult.objects.get(indicator=certification, year=2023).status == "not_met"
    certification.refresh_from_db()
    assert certification.target == 80  # the catalogue shows the latest version


def test_a_grade_band_change_applies_from_its_year(scored, region, django_capture_on_commit_callbacks):
    pass_band = GradeBand.objects.get(name="合格")
    grades_before = dict(CountyYearScore.objects.values_list("year", "grade"))
    with django_capture_on_commit_callbacks(execute=True):
        services.update_grade_band(
            pass_band, region, min_score=Decimal(99), reason="从严", effective_year=2025
        )
    grades = dict(CountyYearScore.objects.values_list("year", "grade"))
    assert {y: g for y, g in grades.items() if y < 2025} == {
        y: g for y, g in grades_before.items() if y < 2025
    }
    assert CatalogueVersion.objects.filter(band=pass_band).count() == 2


def test_the_edit_form_asks_for_the_effective_year_and_the_catalogue_shows_versions(
    scored, region, client_for
):
    client = client_for(region)
    url = reverse("indicators:indicator_edit", args=["hightech_certification"])
    refused = client.post(url, {"target": "80", "weight": "1", "reason": "调整"})
    assert refused.status_code == 200 and "effective_year" in refused.context["form"].errors
    client.post(url, {"target": "80", "weight": "1", "reason": "调整", "effective_year": "2024"})
    page = client.get(reverse("indicators:catalogue")).content.decode()
    assert "目标版本" in page and "2024" in page and "调整" in page
