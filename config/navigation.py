"""The navigation bar: each app lists its entries in ``<app>/navigation.py`` as ``ITEMS``.

An entry names a URL, a label, the roles that may use it and optionally a menu group; the bar shows each user
only their entries, groups of several entries as drop-down menus.
"""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

ALL_ROLES = ("county_staff", "league_staff", "region_staff", "auditor")

GROUP_DATA = pgettext_lazy("menu", "Data reporting")
GROUP_TRAINING = pgettext_lazy("menu", "Training")
GROUP_SETTINGS = pgettext_lazy("menu", "Programme settings")


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: tuple[str, ...] = ALL_ROLES
    order: int = 100
    group: str = ""


def _all_items() -> list[NavItem]:
    items = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError:
            continue
        items.extend(getattr(module, "ITEMS", []))
    return sorted(items, key=lambda item: item.order)


def _is_active(url: str, current_path: str) -> bool:
    return url == current_path or (url != "/" and current_path.startswith(url))


def items_for(user, current_path: str = "") -> list[dict]:
    """Entries for ``user``: ``{"label", "url", "active"}`` or ``{"label", "children", "active"}`` for a group."""
    if not getattr(user, "is_authenticated", False):
        return []
    role = "region_staff" if user.is_superuser else user.role
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for item in _all_items():
        if role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry = {"url": url, "label": item.label, "active": _is_active(url, current_path)}
        if not item.group:
            entries.append(entry)
            continue
        key = str(item.group)
        if key not in groups:
            groups[key] = {"label": item.group, "children": [], "active": False}
            entries.append(groups[key])
        groups[key]["children"].append(entry)
        groups[key]["active"] |= entry["active"]
    return [
        entry["children"][0] if len(entry.get("children", [None, None])) == 1 else entry for entry in entries
    ]
