"""The demo seed: idempotent, all three sources for every demo pilot, some counties lagging, one with idle money."""

import io

import pytest

from counties import demo as counties_demo
from counties.models import County
from funding import demo
from funding.models import FundEntry
from funding.selectors import county_figures
from funding.services import invariant_problems

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_plausible_and_within_the_invariants():
    counties_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    count = FundEntry.objects.count()
    demo.seed(io.StringIO())
    assert FundEntry.objects.count() == count > 0
    pilots = County.objects.filter(code__in=counties_demo.BATCH_1 + counties_demo.BATCH_2)
    figures = county_figures([c.pk for c in pilots])
    for county in pilots:
        sources = figures[county.pk].by_source
        assert all(sources[s].allocated > 0 for s in ("regional", "league", "county")), county.code
    rates = {c.code: figures[c.pk].total.execution_rate for c in pilots}
    assert rates["150425"] < rates["150121"]
    assert figures[County.objects.get(code=demo.IDLE).pk].idle
    pairs = set(FundEntry.objects.values_list("county_id", "source"))
    assert invariant_problems(pairs) == []
