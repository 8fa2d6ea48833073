"""Views: dashboards of stored compliance scores (region overview, league view, county page, status poll)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from config.access import can_read_everything
from counties.scoping import get_county_or_404, visible_counties

from .. import dashboards
from ..models import StaleScore


@login_required
@require_GET
def dashboard(request):
    """Region overview for the regional office and auditors."""
    if not can_read_everything(request.user):
        raise PermissionDenied
    context = dashboards.overview(request.user, dashboards.Filters.from_query(request.GET))
    context["league_mode"] = False
    return render(request, "indicators/dashboards/overview.html", context)


@login_required
@require_GET
def league_dashboard(request):
    """The same overview for league staff, limited to their league by the scoping module."""
    if not request.user.is_league_staff:
        raise PermissionDenied
    filters = dashboards.Filters.from_query(request.GET)
    filters.league = ""
    context = dashboards.overview(request.user, filters)
    context["league_mode"] = True
    context["league"] = request.user.league
    context["chart"].update(league_mode=True, focus_league=request.user.league.code)
    return render(request, "indicators/dashboards/overview.html", context)


@login_required
@require_GET
def county_dashboard(request, code):
    """One county's indicators against targets over the years, its score history and what is missing."""
    county = get_county_or_404(request.user, code)
    return render(request, "indicators/dashboards/county.html", dashboards.county_scores(county))


@login_required
@require_GET
def score_status(request):
    """``{"stale": n}``: how many visible (county, year) scores are being recomputed (``?county=CODE``)."""
    code = request.GET.get("county", "").strip()
    counties = visible_counties(request.user)
    if code:
        counties = counties.filter(pk=get_county_or_404(request.user, code).pk)
    stale = StaleScore.objects.filter(county__in=counties.values("pk")).count()
    return JsonResponse({"stale": stale})


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/league/", league_dashboard, name="league_dashboard"),
    path("dashboard/county/<str:code>/", county_dashboard, name="county_dashboard"),
    path("dashboard/status/", score_status, name="score_status"),
]
