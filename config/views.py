"""Project-level views: the health check and the favicon (the role-dependent home page is ``counties.views.home``)."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import broker_state


@never_cache
@require_GET
def healthz(request):
    """JSON health: database reachable; broker in-process, reachable or unreachable."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        database = "unreachable"
    broker = broker_state()
    healthy = database == "ok" and broker in ("ok", "in-process")
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


def favicon(request):
    return redirect(static("favicon.svg"), permanent=True)
