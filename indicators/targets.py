"""Target versions (生效年度): which target and weight of an indicator are in force for a year."""

from __future__ import annotations

from .models import Indicator


def version_in_force(indicator: Indicator, year: int) -> dict:
    """The target and weight in force for ``year`` with who set them, when and why."""
    record = indicator.history.select_related("history_user").first()
    user = getattr(record, "history_user", None)
    return {
        "target": indicator.target,
        "weight": indicator.weight,
        "effective_year": None,
        "reason": getattr(record, "history_change_reason", "") or "",
        "by": (user.get_full_name() or user.username) if user else "",
        "at": getattr(record, "history_date", None),
    }
