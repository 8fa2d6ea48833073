"""Pages composed from several apps: each app may offer panels in ``<app>/panels.py``.

A module defines functions whose names start with ``<page>_panels`` (e.g. ``county_panels_scores``),
each ``(request, **kwargs)`` returning a list of
``Panel(template, context, order)``. The county page calls ``collect("county", request, county=county)``
and includes each panel's template with its context; apps stay independent of each other.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    width: str = "col-lg-8"


def collect(page: str, request, **kwargs) -> list[Panel]:
    panels: list[Panel] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.panels")
        except ModuleNotFoundError:
            continue
        for name in sorted(dir(module)):
            if name.startswith(f"{page}_panels") and callable(getattr(module, name)):
                panels.extend(getattr(module, name)(request, **kwargs))
    return sorted(panels, key=lambda panel: panel.order)
