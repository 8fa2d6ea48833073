"""Project-level views: the role-dependent home page and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from counties.views import auditor_home, league_home, region_home

from .health import broker_state


@login_required
def home(request):
    """Send each role to its home page: county staff to their county, the others to their overview."""
    user = request.user
    if user.is_region_staff:
        return region_home(request)
    if user.is_auditor:
        return auditor_home(request)
    if user.is_league_staff:
        return league_home(request)
    if user.county_id:
        return redirect("counties:detail", code=user.county.code)
    return region_home(request)


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
