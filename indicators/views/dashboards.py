"""Views: dashboards of stored compliance scores (region overview, league view, county page, status poll)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.views.decorators.http import require_GET

from config.access import can_read_everything
from config.pagecache import cached_fragment
from config.panels import cached_panels
from config.registry import collect as collect_contributions
from counties.scoping import get_county_or_404, visible_counties

from .. import dashboards
from ..models import StaleScore
from ..pagecache import data_version


@login_required
@require_GET
def dashboard(request):
    """Region overview for the regional office and auditors."""
    if not can_read_everything(request.user):
        raise PermissionDenied

    def body():
        context = dashboards.overview(request.user, dashboards.Filters.from_query(request.GET))
        context["league_mode"] = False
        return render_to_string("indicators/dashboards/_overview_body.html", context, request)

    context = {
        "body": cached_fragment(request, "dashboard", data_version(), body),
        "league_mode": False,
        "panels": cached_panels(request, "dashboard"),
    }
    return render(request, "indicators/dashboards/overview.html", context)


@login_required
@require_GET
def league_dashboard(request):
    """The same overview for league staff, limited to their league by the scoping module."""
    if not request.user.is_league_staff:
        raise PermissionDenied

    def body():
        filters = dashboards.Filters.from_query(request.GET)
        filters.league = ""
        context = dashboards.overview(request.user, filters)
        context["league_mode"] = True
        context["league"] = request.user.league
        context["chart"].update(league_mode=True, focus_league=request.user.league.code)
        return render_to_string("indicators/dashboards/_overview_body.html", context, request)

    context = {
        "body": cached_fragment(request, "league_dashboard", data_version(), body),
        "league_mode": True,
        "panels": cached_panels(request, "dashboard"),
    }
    return render(request, "indicators/dashboards/overview.html", context)


@login_required
@require_GET
def county_dashboard(request, code):
    """One county's indicators against targets over the years, its score history and what is missing."""
    county = get_county_or_404(request.user, code)

    def body():
        context = dashboards.county_scores(county)
        context["latest_rows"] = _with_result_actions(request.user, county, context)
        return render_to_string("indicators/dashboards/_county_body.html", context, request)

    body = cached_fragment(request, "county_dashboard", data_version(), body)
    return render(request, "indicators/dashboards/county.html", {"body": body, "county": county})


def _with_result_actions(user, county, context) -> list[tuple]:
    """``(line, result, actions)`` for the latest year: other apps offer actions on a result (e.g. turning an
    unmet indicator into a finding) through ``<app>/actions.py``: ``indicator_result_actions(user, county,
    year, results) -> {indicator_id: [(label, url)]}``."""
    year = context["latest_year"]
    results = [(line.indicator, r) for line, r in context["latest_lines"] if r]
    actions: dict = {}
    for contribute in collect_contributions("actions", "indicator_result_actions"):
        for indicator_id, entries in contribute(user, county, year, results).items():
            actions.setdefault(indicator_id, []).extend(entries)
    return [(line, r, actions.get(line.indicator.pk, [])) for line, r in context["latest_lines"]]


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
