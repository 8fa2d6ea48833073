"""Page fragments cached on a data version (the heavy part of a dashboard rendered once per change of the data).

``cached_fragment(request, name, version, render)`` returns the HTML ``render()`` made, cached under the page's
name, the user (their scope), the language, the full path (filters) and ``version`` — a fingerprint of the data
the fragment shows, read in one cheap query by the app that owns the data (``indicators.pagecache``). A change of
the data changes the version, so a stale fragment is never served; ``TIMEOUT`` bounds the life of fragments whose
other inputs (names of counties and leagues) changed. The base template (navigation, messages, CSRF token) is
rendered on every request as before: only the page's own content is cached.

``site_version()`` is the version of pages that show a bit of everything (the county page's panels, the inboxes
of the home pages), in one query: the last history row of every model kept with django-simple-history (every
save, delete and bulk write with history adds one), the parts every app's ``pagecache.py`` adds with
``version_parts()`` (SQL ``SELECT``s of an integer and a text column, for tables without history: scores, stale marks,
notifications) and today's date (overdue states change with it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache as memoize

from django.core.cache import cache
from django.db import connection
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from simple_history.models import registered_models

from .registry import collect

TIMEOUT = 300


def fragment_key(request, name: str, version: str) -> str:
    # The CSRF secret too: a fragment holding a form keeps a token valid for this browser only.
    csrf = request.META.get("CSRF_COOKIE", "")
    user = request.user
    # The user's role and scope too: an administrator may change them without any history row.
    who = (
        user.pk,
        getattr(user, "role", ""),
        getattr(user, "county_id", None),
        getattr(user, "league_id", None),
    )
    parts = repr(
        (name, who, user.is_superuser, csrf, translation.get_language(), request.get_full_path(), version)
    )
    return "fragment:" + hashlib.sha256(parts.encode()).hexdigest()


def cached_fragment(request, name: str, version: str, render: Callable[[], str]) -> SafeString:
    key = fragment_key(request, name, version)
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 — HTML rendered by our own templates (autoescaped)


@memoize
def _site_version_sql(vendor: str) -> str:
    """The query of ``site_version`` (built once per database vendor: it names every history table)."""
    quote = connection.ops.quote_name
    parts = []
    for table, model in sorted(registered_models.items()):
        history = model.history.model
        column = quote(history._meta.pk.column)
        parts.append(f"SELECT MAX({column}), '{table}' FROM {quote(history._meta.db_table)}")
    for contribute in collect("pagecache", "version_parts"):
        parts.extend(contribute())
    if vendor == "postgresql":
        # History ids are handed out at insert, not at commit: a long transaction may commit rows below the maximum
        # a shorter one already set. The oldest transaction still running moves on when it commits.
        parts.append("SELECT 0, CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT)")
    return " UNION ALL ".join(parts)


def site_version() -> str:
    """A fingerprint of the data of every app (one query) and today's date."""
    with connection.cursor() as cursor:
        cursor.execute(_site_version_sql(connection.vendor))
        rows = cursor.fetchall()
    return hashlib.sha256(repr((timezone.localdate(), sorted(rows, key=repr))).encode()).hexdigest()


def render_page(
    request, template: str, body_context: Callable[[], dict], *, version: str | None = None, **context
):
    """``template`` (which shows ``{{ body }}`` in its content block) with its body, ``_<name>_body.html`` in the
    same folder rendered from ``body_context()``, cached on ``version`` (default: ``site_version()``).

    Only what the body needs is computed inside ``body_context``: while the data is unchanged a page built from
    many queries costs one. ``context`` is what the page around the body needs (its title)."""
    folder, name = template.rsplit("/", 1)
    body_template = f"{folder}/_{name.removesuffix('.html')}_body.html"

    def render_body():
        return render_to_string(body_template, {**context, **body_context()}, request)

    body = cached_fragment(
        request, body_template, site_version() if version is None else version, render_body
    )
    return render(request, template, {**context, "body": body})
