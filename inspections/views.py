"""Pages of the inspections app: inspections and findings (lists, detail with the timeline, entry by the
regional office), the county's rectification answer and the office's verification. Views are thin: services
write, selectors read, every lookup is scoped through ``counties.scoping`` (404 out of scope)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.access import is_region, require_region
from config.errors import PortalError, message_for
from config.evidence import evidence_response
from config.pagecache import render_page
from counties.scoping import get_county_or_404, get_in_scope_or_404, visible_counties, visible_leagues
from indicators.exporting import xlsx_response
from indicators.models import IndicatorResult, ResultStatus

from . import selectors, services
from .audit import findings_sheet
from .forms import AnswerForm, FileForm, FindingForm, InspectionForm, NewFindingForm, StepForm
from .models import (
    Colour,
    Finding,
    FindingCategory,
    FindingStatus,
    Inspection,
    InspectionFile,
    InspectionKind,
    RectificationEvidence,
)
from .workflow import ANSWER, FINDING_WORKFLOW, days_overdue

PAGE_SIZE = 25


def _inspection(request, pk) -> Inspection:
    return get_in_scope_or_404(request.user, Inspection.objects.select_related("county__league"), pk=pk)


def _finding(request, pk) -> Finding:
    return get_in_scope_or_404(
        request.user,
        Finding.objects.select_related("inspection__county__league", "indicator"),
        county_field=selectors.FINDING_COUNTY,
        pk=pk,
    )


def _page(request, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
def inspection_list(request):
    filters = {
        "county": request.GET.get("county", "").strip(),
        "kind": request.GET.get("kind", ""),
        "year": request.GET.get("year", "") if request.GET.get("year", "").isdigit() else "",
    }
    if filters["county"]:
        get_county_or_404(request.user, filters["county"])
    inspections = selectors.inspection_list(request.user, **filters)
    page, querystring = _page(request, inspections)
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "page_obj": page,
            "inspections": page.object_list,
            "filters": filters,
            "kinds": InspectionKind.choices,
            "counties": None
            if request.user.is_county_staff
            else visible_counties(request.user).order_by("code"),
            "querystring": querystring,
            "may_create": is_region(request.user),
        },
    )


@login_required
def finding_list(request):
    filters = {
        "county": request.GET.get("county", "").strip(),
        "league": request.GET.get("league", "").strip(),
        "status": request.GET.get("status", "not_closed"),
        "colour": request.GET.get("colour", ""),
        "q": request.GET.get("q", "").strip(),
    }
    if filters["county"]:
        get_county_or_404(request.user, filters["county"])
    findings = selectors.finding_list(request.user, **filters)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("检查整改.xlsx", [findings_sheet(findings)])

    def body():
        page, querystring = _page(request, findings)
        today = timezone.localdate()
        return {
            "page_obj": page,
            "rows": [(f, days_overdue(f, today)) for f in page.object_list],
            "filters": filters,
            "statuses": FindingStatus.choices,
            "colours": Colour.choices,
            "leagues": visible_leagues(request.user),
            "counties": None
            if request.user.is_county_staff
            else visible_counties(request.user).order_by("code"),
            "querystring": querystring,
        }

    return render_page(request, "inspections/finding_list.html", body)


@login_required
def inspection_create(request):
    require_region(request.user)
    initial = {"date": timezone.localdate()}
    if request.GET.get("county"):
        initial["county"] = get_county_or_404(request.user, request.GET["county"], for_change=True)
    form = InspectionForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.create_inspection(
                user=request.user,
                county=form.cleaned_data["county"],
                fields=form.inspection_fields(),
                files=form.cleaned_data["report_files"],
            )
        except PortalError as exc:
            form.add_error(None, message_for(exc))
        else:
            messages.success(request, _("The inspection was recorded. Add its findings below."))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/inspection_form.html", {"form": form, "inspection": None})


@login_required
def inspection_update(request, pk):
    inspection = _inspection(request, pk)
    require_region(request.user)
    form = InspectionForm(request.POST or None, instance=inspection, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_inspection(
                user=request.user, inspection=inspection, fields=form.inspection_fields()
            )
        except PortalError as exc:
            form.add_error(None, message_for(exc))
        else:
            messages.success(request, _("The inspection was saved."))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/inspection_form.html", {"form": form, "inspection": inspection})


@login_required
def inspection_detail(request, pk):
    inspection = _inspection(request, pk)
    today = timezone.localdate()
    findings = list(inspection.findings.order_by("deadline", "pk"))
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": [(f, days_overdue(f, today)) for f in findings],
            "files": list(inspection.files.all()),
            "may_change": is_region(request.user),
            "finding_form": FindingForm(initial={"deadline": None}) if is_region(request.user) else None,
            "file_form": FileForm() if is_region(request.user) else None,
        },
    )


@login_required
@require_POST
def inspection_file_upload(request, pk):
    inspection = _inspection(request, pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_inspection_file(
                user=request.user, inspection=inspection, uploaded=form.cleaned_data["file"]
            )
        except PortalError as exc:
            messages.error(request, message_for(exc))
        else:
            messages.success(request, _("The file was attached."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@login_required
def inspection_file_download(request, pk):
    evidence = get_in_scope_or_404(
        request.user,
        InspectionFile.objects.select_related("inspection"),
        county_field="inspection__county",
        pk=pk,
    )
    return evidence_response(evidence)


@login_required
def evidence_download(request, pk):
    evidence = get_in_scope_or_404(
        request.user,
        RectificationEvidence.objects.select_related("finding__inspection"),
        county_field="finding__inspection__county",
        pk=pk,
    )
    return evidence_response(evidence)


def _indicator_initial(request, county) -> dict:
    """Pre-fill a 工作目标 finding from an unmet indicator result (``?indicator=CODE&year=Y``)."""
    code, year = request.GET.get("indicator", ""), request.GET.get("year", "")
    if not code or not year.isdigit():
        return {}
    result = (
        IndicatorResult.objects.filter(county=county, year=int(year), indicator__code=code)
        .select_related("indicator")
        .first()
    )
    if result is None or result.status != ResultStatus.NOT_MET:
        return {}
    indicator = result.indicator
    value = "—" if result.value is None else f"{result.value.normalize():f}"
    target = "—" if result.target is None else f"{result.target.normalize():f}"
    description = _(
        "Work target not met in %(year)s: %(indicator)s is %(value)s against a target of %(target)s (%(reason)s)."
    ) % {
        "year": result.year,
        "indicator": indicator.name,
        "value": value,
        "target": target,
        "reason": result.reason,
    }
    return {
        "category": FindingCategory.TARGETS,
        "description": description,
        "requirement": _("Take measures so that %(indicator)s reaches its target, and report them.")
        % {"indicator": indicator.name},
        "indicator": indicator,
        "indicator_year": result.year,
    }


@login_required
def finding_create(request):
    """A new finding: of an inspection (``?inspection=PK``) or of a county (``?county=CODE``, optionally
    pre-filled from an unmet indicator: ``&indicator=CODE&year=Y``)."""
    require_region(request.user)
    inspection = None
    if request.GET.get("inspection", "").isdigit():
        inspection = _inspection(request, int(request.GET["inspection"]))
        county = inspection.county
    elif request.GET.get("county"):
        county = get_county_or_404(request.user, request.GET["county"], for_change=True)
    else:
        raise Http404
    prefill = _indicator_initial(request, county)
    initial = {k: v for k, v in prefill.items() if k not in ("indicator", "indicator_year")}
    if inspection is not None:
        initial["inspection"] = inspection
    form = NewFindingForm(request.POST or None, county=county, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.finding_fields()
        if prefill:
            fields |= {"indicator": prefill["indicator"], "indicator_year": prefill["indicator_year"]}
        try:
            with transaction.atomic():
                target = form.cleaned_data["inspection"]
                if target is None:
                    target = services.create_inspection(
                        user=request.user,
                        county=county,
                        fields={"kind": InspectionKind.ANNUAL, "date": timezone.localdate()},
                    )
                finding = services.create_finding(user=request.user, inspection=target, fields=fields)
        except PortalError as exc:
            form.add_error(None, message_for(exc))
        else:
            messages.success(request, _("The finding was recorded; the county has been notified."))
            return redirect("inspections:finding_detail", pk=finding.pk)
    return render(
        request,
        "inspections/finding_form.html",
        {"form": form, "county": county, "inspection": inspection, "finding": None, "prefill": prefill},
    )


@login_required
@require_POST
def inspection_finding_add(request, pk):
    """Add a finding from the inspection page's form."""
    inspection = _inspection(request, pk)
    require_region(request.user)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            services.create_finding(user=request.user, inspection=inspection, fields=form.finding_fields())
        except PortalError as exc:
            messages.error(request, message_for(exc))
        else:
            messages.success(request, _("The finding was recorded; the county has been notified."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@login_required
def finding_update(request, pk):
    finding = _finding(request, pk)
    require_region(request.user)
    form = FindingForm(request.POST or None, instance=finding, initial={"version": finding.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_finding(
                user=request.user,
                finding=finding,
                fields=form.finding_fields(),
                expected_version=form.cleaned_data.get("version"),
            )
        except PortalError as exc:
            form.add_error(None, message_for(exc))
        else:
            messages.success(request, _("The finding was saved."))
            return redirect("inspections:finding_detail", pk=finding.pk)
    return render(
        request,
        "inspections/finding_form.html",
        {
            "form": form,
            "county": finding.inspection.county,
            "inspection": finding.inspection,
            "finding": finding,
        },
    )


@login_required
def finding_detail(request, pk):
    finding = _finding(request, pk)
    actions = FINDING_WORKFLOW.available_actions(finding, request.user)
    may_answer = any(t.action == ANSWER for t in actions)
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "county": finding.inspection.county,
            "days_overdue": days_overdue(finding, timezone.localdate()),
            "timeline": selectors.timeline(finding),
            "evidence": list(finding.evidence.select_related("uploaded_by")),
            "answer_form": AnswerForm(initial={"version": finding.version}) if may_answer else None,
            "review_actions": [t for t in actions if t.action != ANSWER],
            "may_edit": is_region(request.user) and not finding.is_closed,
        },
    )


@login_required
@require_POST
def finding_answer(request, pk):
    finding = _finding(request, pk)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("inspections:finding_detail", pk=finding.pk)
    try:
        services.answer_finding(
            user=request.user,
            finding=finding,
            text=form.cleaned_data["text"],
            files=form.cleaned_data["files"],
            expected_version=form.cleaned_data.get("version"),
        )
    except PortalError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, _("The rectification was submitted for verification."))
    return redirect("inspections:finding_detail", pk=finding.pk)


@login_required
@require_POST
def finding_step(request, pk):
    """The regional office's verification: close (销号) or return with a comment."""
    finding = _finding(request, pk)
    form = StepForm(request.POST)
    if not form.is_valid() or form.cleaned_data["action"] == ANSWER:
        messages.error(request, _("Unknown action."))
        return redirect("inspections:finding_detail", pk=finding.pk)
    try:
        services.perform_finding_action(
            user=request.user,
            finding=finding,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data.get("version"),
        )
    except PortalError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(
            request, _("Done: the finding is now “%(status)s”.") % {"status": finding.get_status_display()}
        )
    return redirect(reverse("inspections:finding_detail", kwargs={"pk": finding.pk}))
