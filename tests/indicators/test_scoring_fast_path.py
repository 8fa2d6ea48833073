"""The fast scoring path (tuples in, prepared upserts out, reasons formatted only for changed rows) stores exactly
the rows the plain path — every reason formatted, model instances written with the ORM — stores."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counties.models import PilotDesignation
from indicators.models import (
    CatalogueVersion,
    CountyYearScore,
    DataValue,
    GradeBand,
    Indicator,
    IndicatorResult,
)
from indicators.scoring import Reason, all_pairs, evaluate_pairs, recompute, score_of, store
from indicators.scoring import inputs as scoring_inputs
from indicators.targets import load_versions
from tests import factories
from tests.indicators.conftest import GOOD_VALUES, lower_year_values, make_report

pytestmark = pytest.mark.django_db


def plain_recompute(pairs):
    """The plain path: evaluate, format every reason, write model instances with the ORM."""
    now = timezone.now()
    evaluations = evaluate_pairs(pairs)
    bands = list(GradeBand.objects.all())
    versions = load_versions()
    IndicatorResult.objects.all().delete()
    CountyYearScore.objects.all().delete()
    for (county_id, year), judged in evaluations.items():
        for indicator, evaluation in judged:
            IndicatorResult.objects.create(
                county_id=county_id,
                year=year,
                indicator=indicator,
                value=evaluation.value,
                previous_value=evaluation.previous_value,
                target=evaluation.target,
                status=evaluation.status,
                reason=str(evaluation.reason),
                computed_at=now,
            )
        CountyYearScore.objects.create(
            county_id=county_id,
            year=year,
            computed_at=now,
            **score_of(judged, versions.bands_for(bands, year)),
        )


def stored_rows():
    results = sorted(
        IndicatorResult.objects.values_list(
            "county_id", "year", "indicator_id", "value", "previous_value", "target", "status", "reason"
        )
    )
    scores = sorted(
        CountyYearScore.objects.values_list(
            "county_id", "year", "score", "grade", "met_count", "scored_count", "missing_count"
        )
    )
    return results, scores


@pytest.fixture
def varied(pilot):
    """A pilot and a comparison county over four years: met, not met, missing, in progress, zero denominators."""
    lower = lower_year_values
    make_report("150121", 2022, lower(lower(GOOD_VALUES)), hightech_certified=8)
    make_report(
        "150121",
        2023,
        lower(GOOD_VALUES),
        invention_patents_held=None,
        hightech_enterprises=0,
        advantage_enterprises_new=0,
    )
    make_report(
        "150121",
        2024,
        GOOD_VALUES,
        hightech_certified=9,
        above_scale_output=Decimal("10000.3333"),
        advantage_enterprises_new=0,
    )
    make_report("150121", 2025, GOOD_VALUES, joint_meeting_system=0)
    make_report("150122", 2023, lower(GOOD_VALUES))
    make_report("150122", 2024, GOOD_VALUES, population=None, license_transfer_amount=Decimal("79.99999"))
    # 贯标覆盖率's target changes from 2024 on: each year is judged with the version in force.
    certification = Indicator.objects.get(code="hightech_certification")
    CatalogueVersion.objects.create(
        indicator=certification, effective_year=0, target=certification.target, weight=certification.weight
    )
    CatalogueVersion.objects.create(
        indicator=certification, effective_year=2024, target=Decimal(85), weight=certification.weight
    )


def test_the_fast_path_stores_the_rows_of_the_plain_path(varied):
    pairs = all_pairs()
    plain_recompute(pairs)
    expected = stored_rows()
    IndicatorResult.objects.all().delete()
    CountyYearScore.objects.all().delete()
    assert recompute(pairs) == len(pairs)
    assert stored_rows() == expected
    statuses = {row[6] for row in expected[0]}
    assert {"met", "not_met", "missing", "in_progress", "not_applicable"} <= statuses


def test_after_a_change_the_fast_path_still_matches_the_plain_path(varied):
    recompute(all_pairs())
    make_report("150121", 2023, lower_year_values(GOOD_VALUES), hightech_enterprises=5)
    make_report("150122", 2024, GOOD_VALUES, license_transfer_amount=Decimal("90"))
    recompute(all_pairs())
    fast = stored_rows()
    plain_recompute(all_pairs())
    assert fast == stored_rows()


# Reasons that do not follow from value, previous value, target and status alone (they name a window, elements
# or pilot dates) are formatted and compared; every other reason of an unchanged row is left unformatted.
UNDETERMINED = {
    "Missing: %(elements)s",
    "The denominator is zero",
    "The pilot period %(start)s–%(end)s has not started",
    "Data missing for %(years)s",
    "Cumulative %(span)s: %(total)s ≥ target %(target)s",
    "Cumulative %(span)s: %(total)s, target %(target)s by %(last)s",
    "Cumulative %(span)s: %(total)s < target %(target)s",
}


def test_unchanged_rows_keep_their_reason_unformatted_and_their_time(varied):
    recompute(all_pairs())
    CountyYearScore.objects.update(inputs_digest="")  # judge every pair again, as after a change of inputs
    before = {r.pk: (r.computed_at, r.reason) for r in IndicatorResult.objects.all()}
    later = timezone.now() + datetime.timedelta(hours=1)
    formatted = []
    original = Reason.format

    def spy(reason, language):
        formatted.append(reason.message)
        return original(reason, language)

    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch.object(Reason, "format", spy),
        CaptureQueriesContext(connection) as queries,
    ):
        recompute(all_pairs())
    assert formatted and set(formatted) <= UNDETERMINED
    assert len(formatted) < IndicatorResult.objects.count() / 5
    assert {r.pk: (r.computed_at, r.reason) for r in IndicatorResult.objects.all()} == before
    result_table = IndicatorResult._meta.db_table
    assert not [q for q in queries.captured_queries if "INSERT" in q["sql"] and result_table in q["sql"]]


def test_a_recompute_with_unchanged_inputs_judges_nothing_and_writes_nothing(varied):
    recompute(all_pairs())
    before = stored_rows()
    with (
        mock.patch.object(store, "evaluate", side_effect=AssertionError("judged again")),
        CaptureQueriesContext(connection) as queries,
    ):
        assert recompute(all_pairs()) == len(all_pairs())
    assert stored_rows() == before
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert not [q for q in queries.captured_queries if IndicatorResult._meta.db_table in q["sql"]]


def _writes(queries, copies) -> list[str]:
    """The writes of a recompute: captured statements that insert, plus one ``COPY`` per call of ``copy_rows``
    (psycopg's copy is not a captured query)."""
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    return inserts + [f"COPY {call.args[1]}" for call in copies.call_args_list]


def test_writes_are_one_statement_per_table_whatever_the_number_of_rows(pilot):
    codes = ["150121", "150122", "150123", "150124", "150125", "150221"]
    make_report(codes[0], 2024)
    with (
        CaptureQueriesContext(connection) as few,
        mock.patch.object(store, "copy_rows", wraps=store.copy_rows),
    ):
        recompute(all_pairs())
    for code in codes[1:]:
        make_report(code, 2023, lower_year_values(GOOD_VALUES))
        make_report(code, 2024)
    IndicatorResult.objects.all().delete()
    CountyYearScore.objects.all().delete()
    with (
        CaptureQueriesContext(connection) as many,
        mock.patch.object(store, "copy_rows", wraps=store.copy_rows) as copies,
    ):
        assert recompute(all_pairs()) == 1 + 5 * 2
    writes = _writes(many, copies)
    if connection.vendor == "postgresql":
        # Nothing stored for these pairs: each table's rows are copied straight into it.
        tables = [connection.ops.quote_name(m._meta.db_table) for m in (IndicatorResult, CountyYearScore)]
        assert [sql.split()[:2] for sql in writes] == [["COPY", table] for table in tables]
    else:
        assert len(writes) == 2 and all("ON CONFLICT" in sql for sql in writes)
    assert len(many) == len(few)
    assert IndicatorResult.objects.count() == 11 * Indicator.objects.count()

    DataValue.objects.filter(element__code="population").update(value=Decimal(1))
    with (
        CaptureQueriesContext(connection) as changed,
        mock.patch.object(store, "copy_rows", wraps=store.copy_rows) as copies,
    ):
        recompute(all_pairs())
    merges = [sql for sql in _writes(changed, copies) if "ON CONFLICT" in sql]
    assert len(merges) == 2  # stored rows: one upsert per table (on PostgreSQL from a copied temporary table)
    assert len(changed) <= len(many) + 3 * 2  # at most a temporary table made, altered and merged per table


def test_results_are_deleted_with_their_indicator_or_county(pilot):
    """Results are derived rows without database constraints (``IndicatorResult``): the ORM deletes them with
    what they refer to, and the recompute with the years no longer reported."""
    make_report("150121", 2023, lower_year_values(GOOD_VALUES))
    make_report("150122", 2024)
    recompute(all_pairs())
    indicator = Indicator.objects.get(code="hightech_certification")
    assert IndicatorResult.objects.filter(indicator=indicator).count() == 2
    indicator.delete()
    assert not IndicatorResult.objects.filter(indicator_id=indicator.pk).exists()

    county = factories.county("150122")
    county.reports.get().delete()
    recompute([(county.pk, 2024)])
    assert not IndicatorResult.objects.filter(county=county).exists()
    assert not CountyYearScore.objects.filter(county=county).exists()

    stray = IndicatorResult.objects.filter(county__code="150121").first()
    IndicatorResult.objects.filter(pk=stray.pk).update(county=county)
    county.delete()
    assert not IndicatorResult.objects.filter(pk=stray.pk).exists()


def test_rewrite_reasons_formats_and_fixes_every_reason(pilot):
    make_report("150121", 2023, lower_year_values(GOOD_VALUES))
    make_report("150121", 2024)
    recompute(all_pairs())
    row = IndicatorResult.objects.get(year=2024, indicator__code="hightech_certification")
    right = row.reason
    IndicatorResult.objects.filter(pk=row.pk).update(reason="stale wording")
    recompute(all_pairs())  # value, target and status unchanged: the determined reason is not even formatted
    assert IndicatorResult.objects.get(pk=row.pk).reason == "stale wording"
    recompute(all_pairs(), rewrite_reasons=True)
    assert IndicatorResult.objects.get(pk=row.pk).reason == right


def test_a_renamed_element_rewrites_the_missing_reason(pilot):
    make_report("150121", 2024, GOOD_VALUES, population=None)
    recompute(all_pairs())
    county = factories.county("150121")
    missing = IndicatorResult.objects.filter(county=county, year=2024, reason__contains="常住人口")
    assert missing.exists()
    from indicators.models import DataElement

    DataElement.objects.filter(code="population").update(name="常住人口数")
    recompute(all_pairs())
    assert all("常住人口数" in r.reason for r in IndicatorResult.objects.filter(pk__in=missing))


def _target_version():
    indicator = Indicator.objects.get(code="hightech_certification")
    CatalogueVersion.objects.update_or_create(
        indicator=indicator, effective_year=2024, defaults={"target": Decimal("99"), "weight": 3}
    )


def _band_moved():
    band = GradeBand.objects.order_by("-min_score").first()
    band.min_score = Decimal("1")
    band.save()


def _window_moved():
    PilotDesignation.objects.update(end_year=2023)


def _value_changed_behind_the_services():
    DataValue.objects.filter(report__year=2023, element__code="hightech_certified").update(value=Decimal(0))


def _rule_changed():
    from indicators.models import Rule

    assert Indicator.objects.filter(code="hightech_certification").update(rule=Rule.MONITOR) == 1


@pytest.mark.parametrize(
    "change",
    [
        _target_version,
        _band_moved,
        _window_moved,
        _value_changed_behind_the_services,
        _rule_changed,
    ],
)
def test_every_input_of_a_score_is_in_its_fingerprint(varied, change):
    """A change to any input (made even without a stale mark) is judged again: the stored rows then equal the
    plain path's."""
    recompute(all_pairs())
    before = stored_rows()
    change()
    recompute(all_pairs())
    fast = stored_rows()
    plain_recompute(all_pairs())
    assert fast == stored_rows()
    assert fast != before


def test_a_deployment_changing_the_rules_or_their_wording_judges_every_pair_again(varied):
    recompute(all_pairs())
    judged = []
    original = store.evaluate

    def spy(*args, **kwargs):
        judged.append(args[2:4])
        return original(*args, **kwargs)

    with mock.patch.object(store, "evaluate", spy):
        recompute(all_pairs())
        assert judged == []
        with mock.patch.object(scoring_inputs, "rules_source", lambda: "another release"):
            recompute(all_pairs())
    assert {pair for pair in judged} == set(all_pairs())


def test_a_partial_recompute_after_a_full_one_judges_nothing(varied):
    """A pair's fingerprint covers exactly what its rules read, not what else was loaded with it."""
    recompute(all_pairs())
    with mock.patch.object(store, "evaluate", side_effect=AssertionError("judged again")):
        for pair in all_pairs():
            recompute([pair])
