"""Read queries of the training app.

``derived_values`` is the contract the indicators app relies on (scoring and the entry page).
"""

from collections.abc import Iterable
from decimal import Decimal


def derived_values(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Decimal]]:
    """``{(county_id, year): {"training_headcount": Decimal, "publicity_week_events": Decimal}}`` for each pair.

    A pair with no events gets 0 for both (no training held is 0 人次, never missing). Replaced by the
    training issue with the aggregation over recorded events; until events exist every pair is 0.
    """
    return {
        (int(c), int(y)): {"training_headcount": Decimal(0), "publicity_week_events": Decimal(0)}
        for c, y in pairs
    }
