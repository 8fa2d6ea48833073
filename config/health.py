"""``GET /healthz``: database and broker health for load balancers, container probes and operators.

Anyone gets ``{"status": "ok"|"error"}`` (HTTP 200 or 503), enough for a probe. The details (database and broker
state) go only to a caller sending the ``X-Healthz-Token`` header equal to ``HEALTHZ_TOKEN`` (when configured)
or to a direct local call (loopback address and no ``X-Forwarded-For``, so not one relayed by a local proxy).
The path is exempt from the HTTPS redirect (``SECURE_REDIRECT_EXEMPT``) so that probes over plain HTTP work.
"""

import ipaddress
import secrets

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

TOKEN_HEADER = "X-Healthz-Token"


def broker_state() -> str:
    """``in-process`` without REDIS_URL; otherwise ``ok`` or ``unreachable`` after a short ping."""
    if not settings.REDIS_URL:
        return "in-process"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception:  # noqa: BLE001 - any failure means the broker is not usable
        return "unreachable"
    return "ok"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        return "unreachable"
    return "ok"


def may_see_details(request) -> bool:
    """A caller with the configured token, or a direct call from this machine."""
    token = settings.HEALTHZ_TOKEN
    sent = request.headers.get(TOKEN_HEADER, "")
    if token and sent and secrets.compare_digest(sent.encode(), token.encode()):
        return True
    if "X-Forwarded-For" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
@require_GET
def healthz(request):
    """JSON health: ``status`` for everyone, database and broker state for the token or a local caller."""
    database = database_state()
    broker = broker_state()
    healthy = database == "ok" and broker in ("ok", "in-process")
    body = {"status": "ok" if healthy else "error"}
    if may_see_details(request):
        body.update(database=database, broker=broker)
    return JsonResponse(body, status=200 if healthy else 503)
