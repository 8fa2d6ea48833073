"""Page fragments cached on a data version (the heavy part of a dashboard rendered once per change of the data).

``cached_fragment(request, name, version, render)`` returns the HTML ``render()`` made, cached under the page's
name, the user (their scope), the language, the full path (filters) and ``version`` — a fingerprint of the data
the fragment shows, read in one cheap query by the app that owns the data (``indicators.pagecache``). A change of
the data changes the version, so a stale fragment is never served; ``TIMEOUT`` bounds the life of fragments whose
other inputs (names of counties and leagues) changed. The base template (navigation, messages, CSRF token) is
rendered on every request as before: only the page's own content is cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

TIMEOUT = 300


def fragment_key(request, name: str, version: str) -> str:
    parts = repr((name, request.user.pk, translation.get_language(), request.get_full_path(), version))
    return "fragment:" + hashlib.sha256(parts.encode()).hexdigest()


def cached_fragment(request, name: str, version: str, render: Callable[[], str]) -> SafeString:
    key = fragment_key(request, name, version)
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 — HTML rendered by our own templates (autoescaped)
