"""Organisation pages: role home pages, the county list and a county's page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from config.panels import collect

from .models import PilotDesignation
from .scoping import get_county_or_404, visible_leagues
from .selectors import county_list

PAGE_SIZE = 25


def _filtered_counties(request, *, default_pilot_status: str = ""):
    params = {
        "q": request.GET.get("q", "").strip(),
        "league": request.GET.get("league", ""),
        "pilot_status": request.GET.get("pilot_status", default_pilot_status),
        "batch": request.GET.get("batch", ""),
    }
    counties = county_list(request.user, **params)
    page = Paginator(counties, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page_obj": page,
        "counties": page.object_list,
        "filters": params,
        "leagues": visible_leagues(request.user),
        "status_choices": PilotDesignation.Status.choices,
        "batches": sorted(set(PilotDesignation.objects.values_list("batch", flat=True))),
        "querystring": query.urlencode(),
    }


def region_home(request):
    """Regional office home: the pilot counties, with search and filters by league, status and batch."""
    return render(
        request, "counties/home_region.html", _filtered_counties(request, default_pilot_status="pilot")
    )


def auditor_home(request):
    return render(
        request, "counties/home_auditor.html", _filtered_counties(request, default_pilot_status="pilot")
    )


def league_home(request):
    context = _filtered_counties(request)
    context["league"] = request.user.league
    return render(request, "counties/home_league.html", context)


@login_required
def county_list_view(request):
    return render(request, "counties/county_list.html", _filtered_counties(request))


@login_required
def county_detail(request, code):
    county = get_county_or_404(request.user, code)
    context = {
        "county": county,
        "pilot": getattr(county, "pilot", None),
        "panels": collect("county", request, county=county),
    }
    return render(request, "counties/county_detail.html", context)
