"""Organisation pages: role home pages, the county list and a county's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.access import require_region
from config.exports import xlsx_response
from config.inbox import inbox_for
from config.pagecache import render_page
from config.panels import collect

from .forms import DesignationForm, PilotStatusForm
from .models import Notification, PilotDesignation
from .notifications import mark_all_read, mark_read, notifications_for
from .resources import county_list_sheet
from .scoping import get_county_or_404, visible_leagues
from .selectors import county_list
from .services import designate_pilots, update_designation

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


def region_home(request):
    """Regional office home: the inbox, then the pilot counties with search and filters."""

    def body():
        context = _filtered_counties(request, default_pilot_status="pilot")
        context["inbox"] = inbox_for(request.user)
        context["panels"] = collect("home_region", request)
        return context

    return render_page(request, "counties/home_region.html", body)


def auditor_home(request):
    def body():
        return {**_filtered_counties(request, default_pilot_status="pilot"), "inbox": inbox_for(request.user)}

    return render_page(request, "counties/home_auditor.html", body)


def league_home(request):
    def body():
        return {**_filtered_counties(request), "inbox": inbox_for(request.user)}

    return render_page(request, "counties/home_league.html", body, league=request.user.league)


@login_required
def county_list_view(request):
    context = _filtered_counties(request)
    if request.GET.get("format") == "xlsx":
        counties = context["page_obj"].paginator.object_list
        return xlsx_response("旗县名单.xlsx", [county_list_sheet(counties)])
    return render(request, "counties/county_list.html", context)


@login_required
def county_detail(request, code):
    county = get_county_or_404(request.user, code)

    def body():
        return {
            "pilot": getattr(county, "pilot", None),
            "panels": collect("county", request, county=county),
            # The county's own staff land here: this page is their home and starts with their inbox.
            "inbox": inbox_for(request.user) if request.user.county_id == county.pk else None,
        }

    return render_page(request, "counties/county_detail.html", body, county=county)


def _require_region(user):
    require_region(user)


@login_required
def designate(request):
    """Regional office: designate counties as pilots of a batch."""
    _require_region(request.user)
    form = DesignationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            designations = designate_pilots(
                [c.code for c in data["counties"]],
                start_year=data["start_year"],
                end_year=data["end_year"],
                batch=data["batch"],
                designation_year=data["designation_year"],
                status=data["status"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("%(count)s counties designated as pilots.") % {"count": len(designations)}
            )
            return redirect("home")
    return render(request, "counties/designate.html", {"form": form})


@login_required
def pilot_edit(request, code):
    """Regional office: change a designation's years or status (e.g. 验收通过, 退出)."""
    _require_region(request.user)
    pilot = get_object_or_404(PilotDesignation.objects.select_related("county"), county__code=code)
    form = PilotStatusForm(request.POST or None, instance=pilot)
    if request.method == "POST" and form.is_valid():
        update_designation(form.instance)
        messages.success(
            request, _("The pilot designation of %(county)s was saved.") % {"county": pilot.county}
        )
        return redirect("counties:detail", code=code)
    return render(request, "counties/pilot_edit.html", {"form": form, "pilot": pilot})


@login_required
def notification_list(request):
    """The user's own notifications, newest first (nobody sees anyone else's)."""
    notifications = notifications_for(request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "counties/notifications.html",
        {"page_obj": page, "notifications": page.object_list, "querystring": ""},
    )


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one of the user's notifications read and follow its link."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(request.user, notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("counties:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = mark_all_read(request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("counties:notifications")
