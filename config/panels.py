"""Pages composed from several apps: each app may offer panels in ``<app>/panels.py``.

A module defines functions whose names start with ``<page>_panels`` (e.g. ``county_panels_scores``),
each ``(request, **kwargs)`` returning a list of
``Panel(template, context, order)``. The county page calls ``collect("county", request, county=county)``
and includes each panel's template with its context; apps stay independent of each other.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .pagecache import cached_fragment, site_version


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


def cached_panels(request, page: str, **kwargs) -> SafeString:
    """The panels of ``page`` rendered in a row (``includes/panels.html``), cached on the version of the site's
    data (``config.pagecache.site_version``): apps' panels cost one query while nothing changed."""

    def render():
        panels = collect(page, request, **kwargs)
        return render_to_string("includes/panels.html", {"panels": panels}, request)

    key = f"panels:{page}:" + ":".join(
        f"{name}={getattr(value, 'pk', value)}" for name, value in sorted(kwargs.items())
    )
    return cached_fragment(request, key, site_version(), render)
