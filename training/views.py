"""Pages of the training app: the event list, an event with its evidence and attendees, add / edit / delete,
the Excel imports and the yearly progress of every county. Views are thin: the services write, the
selectors read, and every lookup goes through ``counties.scoping``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import PortalError, message_for
from config.evidence import evidence_response
from config.pagecache import render_page
from counties.scoping import (
    can_change_county,
    changeable_counties,
    get_county_or_404,
    get_in_scope_or_404,
    visible_counties,
    visible_leagues,
)
from indicators.exporting import xlsx_response
from indicators.freezing import is_year_frozen

from . import importing, selectors, services
from .audit import events_sheet
from .forms import EventForm, EvidenceForm
from .models import AudienceCategory, EventEvidence, EventKind, TrainingEvent

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _event(request, pk, *, for_change=False) -> TrainingEvent:
    return get_in_scope_or_404(
        request.user,
        TrainingEvent.objects.select_related("county", "county__league", "created_by"),
        for_change=for_change,
        pk=pk,
    )


def _may_create(user) -> bool:
    return changeable_counties(user).exists()


@login_required
def event_list(request):
    user = request.user
    filters = {
        "county": request.GET.get("county", "").strip(),
        "year": _int(request.GET.get("year")),
        "kind": request.GET.get("kind", ""),
        "category": request.GET.get("category", ""),
        "publicity_week": request.GET.get("publicity_week", ""),
        "q": request.GET.get("q", "").strip(),
    }
    county = get_county_or_404(user, filters["county"]) if filters["county"] else None
    events = selectors.event_list(user, **filters)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("培训宣传活动.xlsx", [events_sheet(events)])
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    progress = selectors.county_progress(county, filters["year"]) if county and filters["year"] else None
    return render(
        request,
        "training/event_list.html",
        {
            "page_obj": page,
            "events": page.object_list,
            "filters": filters,
            "county": county,
            "progress": progress,
            "totals": selectors.list_totals(events),
            "years": selectors.event_years(user),
            "kinds": EventKind.choices,
            "categories": AudienceCategory.choices,
            "counties": None if user.is_county_staff else _county_choices(user),
            "querystring": query.urlencode(),
            "may_create": _may_create(user),
        },
    )


def _county_choices(user):
    return visible_counties(user).order_by("code")


@login_required
def event_detail(request, pk):
    event = _event(request, pk)
    may_change = can_change_county(request.user, event.county_id)
    locked = is_year_frozen(event.county_id, event.year)
    attendees = list(event.attendees.all())
    return render(
        request,
        "training/event_detail.html",
        {
            "event": event,
            "audiences": list(event.audiences.all()),
            "headcount": sum(a.headcount for a in event.audiences.all()),
            "evidence": list(event.evidence.select_related("uploaded_by")),
            "attendees": attendees,
            "duplicates": sum(1 for a in attendees if a.is_duplicate),
            "may_change": may_change and not locked,
            "locked": locked,
            "evidence_form": EvidenceForm(),
            "history": selectors.event_history(event),
        },
    )


@login_required
def event_create(request):
    if not _may_create(request.user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("county"):
        initial["county"] = get_county_or_404(request.user, request.GET["county"], for_change=True)
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                request.user, form.cleaned_data["county"], form.event_fields(), form.cleaned_data["audiences"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except PortalError as exc:
            form.add_error(None, message_for(exc))
        else:
            messages.success(request, _("The event was recorded. You can now attach evidence."))
            return redirect("training:event_detail", pk=event.pk)
    return render(request, "training/event_form.html", {"form": form, "event": None})


def _form_errors(form, exc: ValidationError):
    for name, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


@login_required
def event_update(request, pk):
    event = _event(request, pk, for_change=True)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(request.user, event, form.event_fields(), form.cleaned_data["audiences"])
        except ValidationError as exc:
            _form_errors(form, exc)
        except PortalError as exc:
            form.add_error(None, message_for(exc))
        else:
            messages.success(request, _("The event was saved."))
            return redirect("training:event_detail", pk=event.pk)
    return render(
        request,
        "training/event_form.html",
        {"form": form, "event": event, "has_attendees": event.attendees.exists()},
    )


@login_required
def event_delete(request, pk):
    event = _event(request, pk, for_change=True)
    if request.method == "POST":
        try:
            services.delete_event(request.user, event)
        except PortalError as exc:
            messages.error(request, message_for(exc))
            return redirect("training:event_detail", pk=event.pk)
        messages.success(request, _("The event “%(title)s” was deleted.") % {"title": event.title})
        return redirect(f"{reverse('training:event_list')}?county={event.county.code}&year={event.year}")
    return render(request, "training/event_confirm_delete.html", {"event": event})


@login_required
@require_POST
def evidence_upload(request, pk):
    event = _event(request, pk, for_change=True)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(request.user, event, form.cleaned_data["file"], form.cleaned_data["kind"])
        except (ValidationError, PortalError) as exc:
            messages.error(request, message_for(exc))
        else:
            messages.success(request, _("The evidence file was attached."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("training:event_detail", pk=event.pk)


def _evidence(request, pk, *, for_change=False) -> EventEvidence:
    return get_in_scope_or_404(
        request.user,
        EventEvidence.objects.select_related("event", "event__county"),
        county_field="event__county",
        for_change=for_change,
        pk=pk,
    )


@login_required
def evidence_download(request, pk):
    evidence = _evidence(request, pk)
    return evidence_response(evidence)


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = _evidence(request, pk, for_change=True)
    try:
        services.delete_evidence(request.user, evidence)
    except PortalError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, _("The evidence file was removed."))
    return redirect("training:event_detail", pk=evidence.event_id)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def event_template(request):
    return _xlsx(importing.events_template(), "training_events_template.xlsx")


@login_required
def attendee_template(request):
    return _xlsx(importing.attendees_template(), "training_attendees_template.xlsx")


@login_required
def progress(request):
    """Every visible county's progress in a year; those below target first by default."""
    year = _int(request.GET.get("year"), timezone.localdate().year)
    scope = request.GET.get("scope", "pilots")
    league = request.GET.get("league", "")
    sort = request.GET.get("sort", "status")
    if sort not in selectors.PROGRESS_SORTS:
        sort = "status"

    def body():
        rows = selectors.progress_table(request.user, year, scope=scope, league=league, sort=sort)
        query = request.GET.copy()
        query.pop("sort", None)
        this_year = timezone.localdate().year
        return {
            "rows": rows,
            "year": year,
            "years": list(range(this_year, this_year - 8, -1)),
            "scope": scope,
            "league": league,
            "leagues": visible_leagues(request.user),
            "sort": sort,
            "querystring": query.urlencode(),
            "met_count": sum(1 for r in rows if r.met),
            "categories": AudienceCategory.choices,
        }

    return render_page(request, "training/progress.html", body)
