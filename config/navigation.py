"""The navigation bar: each app lists its entries in ``<app>/navigation.py`` as ``ITEMS``.

An entry names a URL, a label and the roles that may use it; the bar shows each user only their entries.
"""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse

ALL_ROLES = ("county_staff", "league_staff", "region_staff", "auditor")


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: tuple[str, ...] = ALL_ROLES
    order: int = 100


def _all_items() -> list[NavItem]:
    items = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError:
            continue
        items.extend(getattr(module, "ITEMS", []))
    return sorted(items, key=lambda item: item.order)


def items_for(user, current_path: str = "") -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    role = "region_staff" if user.is_superuser else user.role
    result = []
    for item in _all_items():
        if role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = url != "/" and current_path.startswith(url) or url == current_path
        result.append({"url": url, "label": item.label, "active": active})
    return result
