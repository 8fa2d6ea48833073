"""Facts the indicators app contributes to ``config.registry.county_facts`` (see config/registry.py)."""

from .workplan_selectors import tasks_completed


def county_facts(county_ids) -> dict[int, dict]:
    """``tasks_completed`` / ``tasks_total``: the work-plan tasks completed in the pilot's latest reported year."""
    return tasks_completed(county_ids)
