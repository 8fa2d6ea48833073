"""The ``derived.py`` contract (``config.registry``): the values of derived data elements that training records
provide — ``training_headcount`` and ``publicity_week_events`` per (county, year). Scoring, the entry page and the
auditor workbook read them through ``config.registry.derived_values``; indicators never imports training."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from . import selectors


def derived_values(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Decimal]]:
    """See ``training.selectors.derived_values`` (every pair present, 0 when no events)."""
    return selectors.derived_values(pairs)
