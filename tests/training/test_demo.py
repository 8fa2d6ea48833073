"""The demo seed: idempotent, several years, some county-years reach 100 人次 and some do not, 4·26 events."""

import io

import pytest

from counties import demo as counties_demo
from training import demo
from training.models import TrainingEvent
from training.selectors import derived_values

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_varied():
    counties_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    count = TrainingEvent.objects.count()
    demo.seed(io.StringIO())
    assert TrainingEvent.objects.count() == count > 0
    pairs = set(TrainingEvent.objects.values_list("county_id", "year"))
    assert len({year for _c, year in pairs}) >= 3
    values = derived_values(pairs).values()
    headcounts = [v["training_headcount"] for v in values]
    assert any(h >= 100 for h in headcounts) and any(h < 100 for h in headcounts)
    assert any(v["publicity_week_events"] >= 1 for v in values)
    assert any(v["publicity_week_events"] == 0 for v in values)
