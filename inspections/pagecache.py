"""This app's part of ``config.pagecache.site_version``: the daily escalation recolours findings with a conditional
``UPDATE`` (no history row), stamping ``colour_changed_at``."""

from __future__ import annotations

from django.db import connection

from .models import Finding


def version_parts() -> list[str]:
    quote = connection.ops.quote_name
    meta = Finding._meta
    changed = quote(meta.get_field("colour_changed_at").column)
    return [
        f"SELECT COUNT({changed}), COALESCE(CAST(MAX({changed}) AS TEXT), '') FROM {quote(meta.db_table)}"
    ]
