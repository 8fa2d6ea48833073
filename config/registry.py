"""How a higher app plugs into a lower one: by defining a module of a known name that the lower one collects.

The lower app (or the kernel) names the contract — a module name and what it must define — and collects it with
``app_modules``; it never imports the higher app. Contracts in use:

| module | defines | collected by |
|---|---|---|
| ``<app>/navigation.py`` | ``ITEMS``: ``NavItem`` entries | ``config.navigation`` (the top bar) |
| ``<app>/panels.py`` | ``<page>_panels*(request, **kw)`` → ``Panel`` list | ``config.panels`` (county page, home pages) |
| ``<app>/inbox.py`` | ``inbox_items(user)`` → ``InboxItem`` list | ``config.inbox`` (待办 on every home page) |
| ``<app>/audit.py`` | ``audit_sheets(user, year)`` → sheets | the auditor workbook (``indicators.exporting``) |
| ``<app>/derived.py`` | ``derived_values(pairs)`` → values of derived elements | scoring (``indicators.scoring``) |
| ``<app>/facts.py`` | ``county_facts(county_ids)`` → ``{county_id: {fact: value}}`` | the tranche gate, the pilot summary, the region home |
| ``<app>/actions.py`` | ``indicator_result_actions(user, county, year, results)`` → ``{indicator_id: [(label, url)]}`` | the county dashboard's result rows |
| ``<app>/summary.py`` | ``summary_sections(county, designation)`` → dict | the pilot summary |
| ``<app>/panels.py`` | ``home_region_panels*(request)`` → ``Panel`` list | the region's home page (``counties``) |
| ``<app>/pagecache.py`` | ``version_parts()`` → SQL ``SELECT``s (an integer, a text) over tables kept without history | ``config.pagecache.site_version`` (cached page bodies) |

``summary_sections`` returns ``{key: {"title": str, "rows": [[label, value], …]}}`` with JSON-ready strings:
the sections are stored in the acceptance snapshot as they are (``indicators.assessment``).

Facts in use (an absent fact means the app that would provide it is not installed: treat as 0 / none):
``open_findings``, ``overdue_findings``, ``red_findings`` (inspections); ``fund_allocated``, ``fund_disbursed``,
``fund_spent`` (Decimal 万元), ``fund_execution_rate``, ``fund_matching_ratio`` (fractions or None),
optionally ``fund_allocated_by_source`` (``{source label: Decimal}``) (funding); ``tasks_completed``,
``tasks_total`` (work-plan tasks).

Modules are collected in ``INSTALLED_APPS`` order.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


@cache
def _app_modules(module_name: str) -> tuple:
    modules = []
    for config in apps.get_app_configs():
        dotted = f"{config.name}.{module_name}"
        if find_spec(dotted) is None:
            continue
        modules.append(import_module(dotted))
    return tuple(modules)


def app_modules(module_name: str) -> tuple:
    """Every installed app's ``<app>.<module_name>`` module that exists, in ``INSTALLED_APPS`` order."""
    return _app_modules(module_name)


def collect(module_name: str, attribute: str) -> list:
    """The ``attribute`` of every such module that defines it (functions, lists…)."""
    return [getattr(module, attribute) for module in app_modules(module_name) if hasattr(module, attribute)]


def derived_values(pairs) -> dict[tuple[int, int], dict]:
    """Values of derived data elements for ``(county_id, year)`` pairs, contributed by every app's ``derived.py``
    (``derived_values(pairs)`` → ``{(county_id, year): {element_code: Decimal}}``), merged per pair; every
    asked pair is present (an empty dict when no app contributes)."""
    pairs = [(int(c), int(y)) for c, y in pairs]
    merged: dict[tuple[int, int], dict] = {pair: {} for pair in pairs}
    if not pairs:
        return merged
    for contribute in collect("derived", "derived_values"):
        for pair, values in contribute(pairs).items():
            merged.setdefault(pair, {}).update(values)
    return merged


def county_facts(county_ids) -> dict[int, dict]:
    """Facts about counties contributed by every app's ``facts.py`` (merged per county)."""
    county_ids = list(county_ids)
    merged: dict[int, dict] = {county_id: {} for county_id in county_ids}
    for contribute in collect("facts", "county_facts"):
        for county_id, facts in contribute(county_ids).items():
            merged.setdefault(county_id, {}).update(facts)
    return merged
