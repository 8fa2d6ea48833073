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
| ``<app>/summary.py`` | ``summary_sections(county, designation)`` → dict | the pilot summary |

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
