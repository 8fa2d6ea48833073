"""Scoring rules (SPEC §4–§5): every rule and status edge, weights, grade bands, idempotence, stale marks."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.models import (
    CountyYearScore,
    GradeBand,
    Indicator,
    IndicatorResult,
    ResultStatus,
    StaleScore,
)
from indicators.scoring import all_pairs, recompute, recompute_stale
from tests import factories
from tests.indicators.factories import GOOD_VALUES, lower_year_values, make_report

pytestmark = pytest.mark.django_db

CODE = "150121"


def county_id(code=CODE):
    return factories.county(code).pk


def result(code: str, year: int, county=CODE) -> IndicatorResult:
    return IndicatorResult.objects.get(county__code=county, year=year, indicator__code=code)


def score(year: int, county=CODE) -> CountyYearScore:
    return CountyYearScore.objects.get(county__code=county, year=year)


def good_pair(year=2024, county=CODE, **overrides):
    """A report for ``year`` with every target met, and a lower previous year."""
    make_report(county, year - 1, lower_year_values(GOOD_VALUES))
    return make_report(county, year, **overrides)


def test_min_met_when_the_value_equals_the_target(pilot):
    good_pair(hightech_certified=10, hightech_enterprises=10)
    recompute([(county_id(), 2024)])
    r = result("hightech_certification", 2024)
    assert r.status == ResultStatus.MET
    assert r.value == Decimal("100") and r.target == Decimal("100")
    assert r.reason == "100 ≥ 目标 100"


def test_min_not_met_below_the_target(pilot):
    good_pair(industrial_patents_implemented=59, industrial_patents_held=200)
    recompute([(county_id(), 2024)])
    r = result("industrial_conversion", 2024)
    assert r.status == ResultStatus.NOT_MET
    assert r.value == Decimal("29.5")
    assert r.reason == "29.5 < 目标 30"


def test_zero_denominator_is_missing_data_not_an_error(pilot):
    good_pair(hightech_enterprises=0, hightech_certified=0)
    recompute([(county_id(), 2024)])
    r = result("hightech_certification", 2024)
    assert r.status == ResultStatus.MISSING
    assert r.value is None
    assert r.reason == "分母为零"


def test_a_missing_value_is_missing_data(pilot):
    good_pair(above_scale_ip_output=None)
    recompute([(county_id(), 2024)])
    r = result("ip_output_share", 2024)
    assert r.status == ResultStatus.MISSING
    assert "规上工业企业自主知识产权产品产值" in r.reason


def test_increase_met_only_when_strictly_higher(pilot):
    make_report(
        CODE, 2023, lower_year_values(GOOD_VALUES), trademarks_registered=500, copyright_registrations=39
    )
    make_report(CODE, 2024)
    recompute([(county_id(), 2024)])
    equal = result("trademarks", 2024)
    assert equal.status == ResultStatus.NOT_MET
    assert equal.previous_value == Decimal("500")
    assert equal.reason == "500 ≤ 上年 500"
    higher = result("copyrights", 2024)
    assert higher.status == ResultStatus.MET
    assert higher.reason == "40 > 上年 39"


def test_increase_without_the_previous_year_is_missing(pilot):
    make_report(CODE, 2024)
    recompute([(county_id(), 2024)])
    r = result("trademarks", 2024)
    assert r.status == ResultStatus.MISSING
    assert r.previous_value is None
    assert r.reason == "上年数据缺失"


def test_cumulative_in_progress_before_the_last_pilot_year_and_not_met_at_it(pilot):
    for year in (2022, 2023, 2024, 2025):
        make_report(CODE, year, advantage_enterprises_new=0)
    recompute(all_pairs())
    assert result("advantage_enterprises", 2023).status == ResultStatus.IN_PROGRESS
    in_progress = result("advantage_enterprises", 2024)
    assert in_progress.status == ResultStatus.IN_PROGRESS
    assert in_progress.reason == "2023–2024累计 0，须于2025年达到目标 1"
    final = result("advantage_enterprises", 2025)
    assert final.status == ResultStatus.NOT_MET
    assert final.reason == "2023–2025累计 0 < 目标 1"


def test_cumulative_met_as_soon_as_the_total_reaches_the_target(pilot):
    make_report(CODE, 2023, advantage_enterprises_new=0)
    make_report(CODE, 2024, advantage_enterprises_new=1)
    make_report(CODE, 2025, advantage_enterprises_new=0)
    recompute(all_pairs())
    assert result("advantage_enterprises", 2023).status == ResultStatus.IN_PROGRESS
    met = result("advantage_enterprises", 2024)
    assert met.status == ResultStatus.MET and met.value == 1
    assert result("advantage_enterprises", 2025).status == ResultStatus.MET


def test_cumulative_with_a_missing_pilot_year_is_missing(pilot):
    make_report(CODE, 2023, advantage_enterprises_new=None)
    make_report(CODE, 2024, advantage_enterprises_new=0)
    recompute(all_pairs())
    r = result("advantage_enterprises", 2024)
    assert r.status == ResultStatus.MISSING
    assert "2023" in r.reason


def test_cumulative_of_a_non_pilot_is_judged_over_its_reported_years():
    make_report("150122", 2023, advantage_enterprises_new=0)
    make_report("150122", 2024, advantage_enterprises_new=0)
    make_report("150122", 2025, advantage_enterprises_new=2)
    recompute(all_pairs())
    assert result("advantage_enterprises", 2024, county="150122").status == ResultStatus.NOT_MET
    assert result("advantage_enterprises", 2025, county="150122").status == ResultStatus.MET


def test_yes_no_indicators_need_yes(pilot):
    good_pair(ip_office_established=1, joint_meeting_system=0)
    recompute([(county_id(), 2024)])
    assert result("ip_office", 2024).status == ResultStatus.MET
    no = result("joint_meeting", 2024)
    assert no.status == ResultStatus.NOT_MET and no.reason == "否"


def test_monitor_is_shown_but_not_applicable(pilot):
    good_pair(enforcement_cases=7)
    recompute([(county_id(), 2024)])
    r = result("enforcement", 2024)
    assert r.status == ResultStatus.NOT_APPLICABLE
    assert r.value == 7 and r.target is None


def test_derived_element_without_records_is_zero_not_missing(pilot):
    good_pair()
    recompute([(county_id(), 2024)])
    training = result("training_headcount", 2024)
    assert training.status == ResultStatus.NOT_MET
    assert training.value == 0
    assert training.reason == "0 < 目标 100"


def test_derived_values_come_from_the_training_selector(pilot):
    good_pair()
    derived = {"training_headcount": Decimal(150), "publicity_week_events": Decimal(2)}
    with mock.patch(
        "training.selectors.derived_values", side_effect=lambda pairs: {p: derived for p in pairs}
    ):
        recompute([(county_id(), 2024)])
    assert result("training_headcount", 2024).status == ResultStatus.MET
    assert result("publicity_week", 2024).status == ResultStatus.MET


def test_score_counts_missing_as_not_met_and_leaves_out_in_progress_and_monitor(pilot):
    good_pair()
    recompute([(county_id(), 2024)])
    s = score(2024)
    statuses = dict(
        IndicatorResult.objects.filter(county__code=CODE, year=2024).values_list("indicator__code", "status")
    )
    # 21 indicators: enforcement is monitored, advantage_enterprises met (1 in 2024),
    # training and publicity not met (no events): 20 scored, 18 met.
    assert statuses["enforcement"] == ResultStatus.NOT_APPLICABLE
    assert s.scored_count == 20 and s.met_count == 18 and s.missing_count == 0
    assert s.score == Decimal("90.00")
    assert s.grade == "优秀"


def test_missing_data_can_never_raise_a_score(pilot):
    good_pair(hightech_patents_implemented=10)  # 10 % < 50 %: not met
    recompute([(county_id(), 2024)])
    reported_low = score(2024).score
    good_pair(hightech_patents_implemented=None)
    recompute([(county_id(), 2024)])
    not_reported = score(2024)
    assert not_reported.missing_count == 1
    assert not_reported.score == reported_low


def test_weights_and_grade_bands_come_from_the_database(pilot):
    good_pair()
    Indicator.objects.filter(code="training_headcount").update(weight=Decimal("8"))
    recompute([(county_id(), 2024)])
    s = score(2024)
    # met weight 18 of 19 + 8 = 27 → 66.67
    assert s.score == Decimal("66.67")
    assert s.grade == "合格"
    GradeBand.objects.filter(name="合格").update(min_score=Decimal("70"))
    recompute([(county_id(), 2024)])
    assert score(2024).grade == "不合格"


def test_a_year_without_scored_indicators_has_no_score(pilot):
    Indicator.objects.exclude(code="enforcement").update(rule="monitor")
    make_report(CODE, 2024)
    recompute([(county_id(), 2024)])
    s = score(2024)
    assert s.score is None and s.grade == "" and s.scored_count == 0


def test_non_pilots_are_scored_as_the_comparison_group():
    good_pair(county="150122")
    assert recompute([(county_id("150122"), 2024)]) == 1
    assert score(2024, county="150122").score is not None


def test_pairs_without_a_report_get_no_score_and_lose_old_results(pilot):
    report = good_pair()
    recompute([(county_id(), 2024)])
    assert recompute([(county_id(), 2025)]) == 0
    assert not CountyYearScore.objects.filter(year=2025).exists()
    report.values.all().delete()
    report.delete()
    recompute([(county_id(), 2024)])
    assert not CountyYearScore.objects.filter(county__code=CODE, year=2024).exists()
    assert not IndicatorResult.objects.filter(county__code=CODE, year=2024).exists()


def test_recomputing_unchanged_data_changes_nothing(pilot):
    good_pair()
    recompute([(county_id(), 2024)])
    before = {r.pk: (r.computed_at, r.status, r.reason) for r in IndicatorResult.objects.all()}
    score_before = score(2024).computed_at
    later = timezone.now() + datetime.timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        recompute([(county_id(), 2024)])
    assert {r.pk: (r.computed_at, r.status, r.reason) for r in IndicatorResult.objects.all()} == before
    assert score(2024).computed_at == score_before


def test_only_changed_results_are_rewritten(pilot):
    good_pair()
    recompute([(county_id(), 2024)])
    untouched = result("trademarks", 2024).computed_at
    make_report(CODE, 2024, hightech_certified=5)
    later = timezone.now() + datetime.timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        recompute([(county_id(), 2024)])
    changed = result("hightech_certification", 2024)
    assert changed.status == ResultStatus.NOT_MET and changed.computed_at == later
    assert result("trademarks", 2024).computed_at == untouched
    assert score(2024).computed_at == later


def test_recompute_removes_stale_marks_but_keeps_marks_made_since_it_started(pilot):
    good_pair()
    cid = county_id()
    StaleScore.objects.create(county_id=cid, year=2024)
    recompute([(cid, 2024)])
    assert not StaleScore.objects.exists()
    remark = StaleScore.objects.create(county_id=cid, year=2024)
    StaleScore.objects.filter(pk=remark.pk).update(marked_at=timezone.now() + datetime.timedelta(minutes=5))
    recompute([(cid, 2024)])
    assert StaleScore.objects.filter(pk=remark.pk).exists()


def test_recompute_stale_recomputes_every_marked_pair(pilot):
    good_pair()
    good_pair(county="150122")
    StaleScore.objects.create(county_id=county_id(), year=2024)
    StaleScore.objects.create(county_id=county_id("150122"), year=2024)
    StaleScore.objects.create(county_id=county_id("150122"), year=2030)
    assert recompute_stale() == 2
    assert CountyYearScore.objects.filter(year=2024).count() == 2
    assert not StaleScore.objects.exists()


def test_recompute_runs_a_constant_number_of_queries(pilot):
    codes = ["150121", "150122", "150123", "150124", "150125", "150221", "150222", "150223"]
    for code in codes[:2]:
        good_pair(county=code)
    with CaptureQueriesContext(connection) as few:
        recompute(all_pairs())
    for code in codes[2:]:
        good_pair(county=code)
        make_report(code, 2025)
    IndicatorResult.objects.all().delete()
    CountyYearScore.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        assert recompute(all_pairs()) == 2 * 2 + 6 * 3

    # Writes are one prepared upsert per table (``executemany``): the queries do not grow with the pairs.
    def kinds(ctx):
        return [q["sql"].split(" times: ")[-1].split()[0] for q in ctx.captured_queries]

    assert kinds(many) == kinds(few)


def test_reasons_are_chinese_whatever_the_active_language(pilot):
    from django.utils import translation

    make_report(CODE, 2024)
    with translation.override("en"):
        recompute([(county_id(), 2024)])
    assert result("trademarks", 2024).reason == "上年数据缺失"


def test_cumulative_does_not_apply_before_the_pilot_starts(pilot):
    make_report(CODE, 2022, advantage_enterprises_new=0)
    recompute(all_pairs())
    r = result("advantage_enterprises", 2022)
    assert r.status == ResultStatus.NOT_APPLICABLE
    assert r.reason == "试点期 2023–2025 尚未开始"


def test_cumulative_after_the_pilot_counts_the_pilot_years_only(pilot):
    make_report(CODE, 2023, advantage_enterprises_new=0)
    make_report(CODE, 2024, advantage_enterprises_new=0)
    make_report(CODE, 2025, advantage_enterprises_new=0)
    make_report(CODE, 2026, advantage_enterprises_new=3)
    recompute(all_pairs())
    r = result("advantage_enterprises", 2026)
    assert r.status == ResultStatus.NOT_MET
    assert r.reason == "2023–2025累计 0 < 目标 1"


def test_reasons_round_to_two_decimals_unless_that_hides_the_difference(pilot):
    good_pair(
        hightech_certified=11,
        hightech_enterprises=13,
        industrial_patents_implemented=599998,
        industrial_patents_held=2000000,
    )
    recompute([(county_id(), 2024)])
    r = result("hightech_certification", 2024)
    assert r.value == Decimal("84.6154")
    assert r.reason == "84.62 < 目标 100"
    close = result("industrial_conversion", 2024)
    assert close.value == Decimal("29.9999")
    assert close.status == ResultStatus.NOT_MET
    assert close.reason == "29.9999 < 目标 30"


def test_a_change_to_an_early_year_updates_the_cumulative_result_of_later_years(pilot):
    make_report(CODE, 2023, advantage_enterprises_new=0)
    make_report(CODE, 2024, advantage_enterprises_new=0)
    make_report(CODE, 2025, advantage_enterprises_new=0)
    recompute(all_pairs())
    assert result("advantage_enterprises", 2025).status == ResultStatus.NOT_MET
    make_report(CODE, 2023, advantage_enterprises_new=2)
    assert recompute([(county_id(), 2023)]) == 3  # 2023 and the later reported years
    assert result("advantage_enterprises", 2025).status == ResultStatus.MET
