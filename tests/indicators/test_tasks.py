"""Recomputation is triggered on commit, coalesced, idempotent, retried, swept, and available as a command."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, transaction

from indicators import tasks
from indicators.models import CountyYearScore, IndicatorResult, StaleScore
from indicators.services import request_score_recompute
from tests import factories
from tests.indicators.factories import make_report

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def cid(db):
    return factories.county("150121").pk


def test_eager_task_scores_the_change_after_commit(cid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            make_report("150121", 2024)
            request_score_recompute([(cid, 2024)])
            assert not CountyYearScore.objects.exists()
    assert CountyYearScore.objects.filter(county_id=cid, year=2024).exists()
    assert IndicatorResult.objects.filter(county_id=cid, year=2024).count() == 21
    assert not StaleScore.objects.exists()


def test_running_the_task_twice_changes_nothing_the_second_time(cid):
    make_report("150121", 2024)
    assert tasks.recompute_scores.apply(args=[[[cid, 2024]]]).get() == 1
    before = list(IndicatorResult.objects.order_by("pk").values_list("pk", "status", "reason", "computed_at"))
    assert tasks.recompute_scores.apply(args=[[[cid, 2024]]]).get() == 1
    after = list(IndicatorResult.objects.order_by("pk").values_list("pk", "status", "reason", "computed_at"))
    assert after == before
    assert CountyYearScore.objects.count() == 1


def test_the_task_retries_when_the_database_is_unavailable(cid):
    assert OperationalError in tasks.recompute_scores.autoretry_for
    assert tasks.recompute_scores.acks_late
    make_report("150121", 2024)
    from indicators import scoring

    real = scoring.recompute
    calls = []

    def flaky(pairs):
        calls.append(pairs)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(pairs)

    with mock.patch.object(scoring, "recompute", side_effect=flaky):
        tasks.recompute_scores.apply(args=[[[cid, 2024]]], throw=False)
    assert len(calls) == 2
    assert CountyYearScore.objects.filter(county_id=cid, year=2024).exists()


def test_the_sweep_recomputes_what_a_lost_task_left_stale(cid):
    make_report("150121", 2024)
    with mock.patch.object(tasks.recompute_scores, "delay"):  # the task is lost
        request_score_recompute([(cid, 2024)])
    assert not CountyYearScore.objects.exists()
    assert tasks.sweep_stale_scores.apply().get() == 1
    assert CountyYearScore.objects.filter(county_id=cid, year=2024).exists()
    assert not StaleScore.objects.exists()


def test_command_recomputes_every_reported_pair_or_one_county_and_year(cid):
    make_report("150121", 2023)
    make_report("150121", 2024)
    make_report("150122", 2024)
    out = StringIO()
    call_command("recompute_scores", county="150121", year=2024, stdout=out)
    assert list(CountyYearScore.objects.values_list("county__code", "year")) == [("150121", 2024)]
    call_command("recompute_scores", stdout=out)
    assert CountyYearScore.objects.count() == 3
    assert "3" in out.getvalue().splitlines()[-1]


def test_command_rejects_an_unknown_county(db):
    with pytest.raises(CommandError, match="999999"):
        call_command("recompute_scores", county="999999")


def test_a_failing_recompute_never_undoes_the_change_and_leaves_the_pairs_stale(
    cid, django_capture_on_commit_callbacks, caplog
):
    with mock.patch.object(tasks.recompute_scores, "delay", side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                make_report("150121", 2024)
                request_score_recompute([(cid, 2024)], include_next_year=False)
    assert set(StaleScore.objects.values_list("county_id", "year")) == {(cid, 2024)}
    assert "stay marked stale" in caplog.text
    assert tasks.sweep_stale_scores() == 1
    assert not StaleScore.objects.exists()
