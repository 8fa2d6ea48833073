"""The inbox (待办) at the top of every home page: each app contributes items through ``<app>/inbox.py``.

``inbox_items(user) -> list[InboxItem]``: what this user should act on now, already scoped to the user. The home
page shows them ordered by ``priority`` (lower first) then by label; an app with nothing to say returns ``[]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .registry import collect

LEVELS = ("danger", "warning", "info", "success", "secondary")


@dataclass(frozen=True)
class InboxItem:
    label: str
    url: str = ""
    count: int = 1
    level: str = "info"  # a Bootstrap contextual colour: danger (red/overdue), warning, info…
    priority: int = 100
    detail: str = ""


def inbox_for(user) -> list[InboxItem]:
    items: list[InboxItem] = []
    for contribute in collect("inbox", "inbox_items"):
        items.extend(contribute(user))
    return sorted(items, key=lambda item: (item.priority, LEVELS.index(item.level), str(item.label)))
