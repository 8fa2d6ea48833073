"""The recompute machinery (``indicators.services.recompute``): it reads Django's transaction internals
(``run_on_commit``, ``savepoint_ids``) to coalesce every request of one transaction into one task; these tests pin
that behaviour: on commit only, coalescing across nested savepoints, nothing for what was rolled back."""

import datetime
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from indicators import tasks
from indicators.models import StaleScore
from indicators.services import request_score_recompute
from tests import factories

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def cid(db):
    return factories.county("150121").pk


@pytest.fixture
def delay():
    with mock.patch.object(tasks.recompute_scores, "delay") as delay:
        yield delay


def test_recompute_is_enqueued_on_commit_with_the_next_year(cid, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.recompute_scores, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with transaction.atomic():
                request_score_recompute([(cid, 2024)])
                assert StaleScore.objects.filter(county_id=cid, year__in=[2024, 2025]).count() == 2
                delay.assert_not_called()
    assert len(callbacks) == 1
    delay.assert_called_once_with([(cid, 2024), (cid, 2025)])


def test_nothing_is_enqueued_or_marked_on_rollback(cid, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.recompute_scores, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError):
                with transaction.atomic():
                    request_score_recompute([(cid, 2024)])
                    raise RuntimeError("the change fails")
    assert callbacks == []
    delay.assert_not_called()
    assert not StaleScore.objects.exists()


def test_calls_within_one_transaction_coalesce_into_one_task(cid, django_capture_on_commit_callbacks):
    other = factories.county("150122").pk
    with mock.patch.object(tasks.recompute_scores, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with transaction.atomic():
                request_score_recompute([(cid, 2024)])
                request_score_recompute([(other, 2023), (cid, 2024)])
    assert len(callbacks) == 1
    delay.assert_called_once_with([(cid, 2024), (cid, 2025), (other, 2023), (other, 2024)])


def test_calls_in_nested_savepoints_coalesce_and_survive_an_inner_rollback(
    cid, django_capture_on_commit_callbacks
):
    other = factories.county("150122").pk
    with mock.patch.object(tasks.recompute_scores, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with transaction.atomic():
                request_score_recompute([(cid, 2024)], include_next_year=False)
                with transaction.atomic():
                    request_score_recompute([(other, 2023)], include_next_year=False)
                with pytest.raises(RuntimeError), transaction.atomic():
                    request_score_recompute([(other, 2020)], include_next_year=False)
                    raise RuntimeError("this inner change fails")
    assert len(callbacks) == 1
    delay.assert_called_once_with([(cid, 2024), (other, 2020), (other, 2023)])
    assert set(StaleScore.objects.values_list("county_id", "year")) == {(cid, 2024), (other, 2023)}


def test_a_new_mark_refreshes_marked_at(cid):
    request_score_recompute([(cid, 2024)], include_next_year=False)
    StaleScore.objects.update(marked_at=timezone.now() - datetime.timedelta(hours=1))
    old = StaleScore.objects.get().marked_at
    with mock.patch.object(tasks.recompute_scores, "delay"):
        request_score_recompute([(cid, 2024)], include_next_year=False)
    assert StaleScore.objects.get().marked_at > old


def test_a_request_in_a_rolled_back_savepoint_is_dropped_and_a_later_one_enqueued(
    cid, delay, django_capture_on_commit_callbacks
):
    other = factories.county("150122").pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():
                request_score_recompute([(other, 2020)], include_next_year=False)
                raise RuntimeError("this inner change fails")
            request_score_recompute([(cid, 2024)], include_next_year=False)
    assert len(callbacks) == 1
    delay.assert_called_once_with([(cid, 2024)])
    assert set(StaleScore.objects.values_list("county_id", "year")) == {(cid, 2024)}


def test_an_outer_request_never_joins_a_task_of_an_inner_savepoint(
    cid, delay, django_capture_on_commit_callbacks
):
    """A task registered inside a savepoint may be discarded with it; a later outer request gets its own."""
    other = factories.county("150122").pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            with transaction.atomic():
                request_score_recompute([(other, 2021)], include_next_year=False)
            request_score_recompute([(cid, 2024)], include_next_year=False)
            with transaction.atomic():
                request_score_recompute([(cid, 2023)], include_next_year=False)
    assert len(callbacks) == 2
    assert sorted(c.args[0] for c in delay.call_args_list) == [[(cid, 2023), (cid, 2024)], [(other, 2021)]]


def test_the_pairs_include_the_next_year_unless_told_otherwise(cid, delay):
    assert request_score_recompute([(cid, 2024)]) == {(cid, 2024), (cid, 2025)}
    assert request_score_recompute([(cid, 2024)], include_next_year=False) == {(cid, 2024)}
    assert request_score_recompute([]) == set()
