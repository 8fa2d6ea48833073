"""This app's part of ``config.pagecache.site_version``: notifications (kept without history)."""

from __future__ import annotations

from django.db import connection

from .models import Notification


def version_parts() -> list[str]:
    quote = connection.ops.quote_name
    meta = Notification._meta
    created = quote(meta.get_field("created_at").column)
    read = quote(meta.get_field("read_at").column)
    return [
        f"SELECT COUNT(*), CAST(COUNT({read}) AS TEXT) || ' ' || COALESCE(CAST(MAX({created}) AS TEXT), '') || "
        f"' ' || COALESCE(CAST(MAX({read}) AS TEXT), '') FROM {quote(meta.db_table)}"
    ]
