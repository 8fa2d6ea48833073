"""Views: annual report entry and detail, the review workflow, the completeness grid and the catalogue.

Views stay thin: reads come from ``indicators.selectors``, every change goes through ``indicators.services``,
and every county is looked up through ``counties.scoping`` (out of scope is 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.access import is_region, require_region
from config.errors import PortalError, message_for
from config.pagecache import cached_fragment
from config.registry import derived_values
from counties.models import PilotDesignation
from counties.scoping import can_change_county, get_county_or_404, visible_leagues

from .. import selectors, services
from ..assessment import rule_label
from ..forms import (
    BulkReviewForm,
    GradeBandForm,
    IndicatorForm,
    ReportEntryForm,
    ReviewForm,
    comment_field,
    display_value,
    shown_value,
    value_field,
)
from ..models import (
    AcceptanceRule,
    AnnualReport,
    CatalogueVersion,
    DataElement,
    GradeBand,
    Indicator,
    ReportStatus,
    ReportTransition,
)
from ..pagecache import data_version
from ..workflow import APPROVE, REOPEN, REPORT_WORKFLOW, RETURN, SUBMIT, WITHDRAW

PAGE_SIZE = 50


def _county_and_year(request, code, year, *, for_change=False):
    county = get_county_or_404(request.user, code, for_change=for_change)
    if year not in selectors.report_years(county):
        raise Http404
    return county


def _may_edit(user, report) -> bool:
    return services.may_change_values(report, user)


# --- Entry --------------------------------------------------------------------------------------------


@login_required
def report_entry(request, code, year):
    """Enter or correct a year's values: grouped by policy section, last year beside each field, live checks."""
    county = _county_and_year(request, code, year, for_change=True)
    report = selectors.report_for(county, year) or AnnualReport(county=county, year=year)
    if not _may_edit(request.user, report):
        messages.warning(
            request,
            _("This report cannot be changed now: it is %(status)s.")
            % {"status": report.get_status_display()},
        )
        return redirect("indicators:report_detail", code=county.code, year=year)
    elements = list(DataElement.objects.all())
    previous = selectors.previous_values(county.pk, year)
    stored = selectors.stored_values(report)
    form = ReportEntryForm(
        request.POST or None, report=report, elements=elements, previous=previous, stored=stored
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.save_report_values(
                report, form.raw_values(), form.comments(), request.user, form.cleaned_data["version"]
            )
        except services.ReportConflict as exc:
            form.add_error(None, exc.message)
        except services.ReportLocked as exc:
            messages.error(request, exc.message)
            return redirect("indicators:report_detail", code=county.code, year=year)
        except services.ReportValidationError as exc:
            for problem in exc.errors:
                form.add_error(value_field(problem.element_code), problem.message)
            for problem in exc.warnings:
                form.add_error(comment_field(problem.element_code), problem.message)
        else:
            if "submit" in request.POST:
                try:
                    services.submit_report(result.report, request.user)
                except (services.TransitionNotAllowed, services.ReportValidationError) as exc:
                    messages.error(request, _("Saved as a draft but not submitted: %(why)s") % {"why": exc})
                    return redirect("indicators:report_entry", code=county.code, year=year)
                messages.success(request, _("The report was saved and submitted for review."))
                return redirect("indicators:report_detail", code=county.code, year=year)
            messages.success(
                request,
                _("Draft saved: %(created)s values added, %(changed)s changed.")
                % {"created": result.created, "changed": result.changed},
            )
            return redirect("indicators:report_entry", code=county.code, year=year)
    if request.method == "POST" and form.errors:
        errors, warnings = form.problem_counts()
        messages.error(
            request,
            _(
                "Not saved: %(errors)s values to correct (in red) and %(warnings)s large changes to explain "
                "(in yellow)."
            )
            % {"errors": errors, "warnings": warnings},
        )
    derived = derived_values([(county.pk, year), (county.pk, year - 1)])
    context = _entry_context(county, year, report, elements, previous, stored, form, derived)
    submit = REPORT_WORKFLOW.transition(SUBMIT)
    context["can_submit"] = report.status in submit.sources and submit.permits(report, request.user)
    return render(request, "indicators/reports/entry.html", context)


def _entry_context(county, year, report, elements, previous, stored, form, derived):
    current_derived = derived.get((county.pk, year), {})
    previous_derived = derived.get((county.pk, year - 1), {})
    warnings = form.warnings_by_code()
    groups = []
    for group in selectors.group_elements(elements):
        rows = []
        for element in group.elements:
            row = {
                "element": element,
                "previous": display_value(
                    previous_derived.get(element.code) if element.is_derived else previous.get(element.code),
                    element,
                ),
                "warnings": warnings.get(element.code, []),
            }
            if element.is_derived:
                row["derived"] = display_value(current_derived.get(element.code), element)
            else:
                row["field"] = form[value_field(element.code)]
                row["comment"] = form[comment_field(element.code)]
                stored_value = stored.get(element.code)
                row["stored_comment"] = stored_value.comment if stored_value else ""
            rows.append(row)
        groups.append({"title": group.title, "section": group.topic, "rows": rows})
    formulas = selectors.indicator_formulas()
    cumulative_codes = {c for f in formulas if f["rule"] == "cumulative_min" for c in f["numerator"]}
    pilot = getattr(county, "pilot", None)
    live = {
        "indicators": formulas,
        "previous": {code: str(v) for code, v in previous.items() if v is not None}
        | {code: str(v) for code, v in previous_derived.items()},
        "derived": {code: str(v) for code, v in current_derived.items()},
        "cumulative_before": {
            k: str(v) for k, v in selectors.cumulative_before(county, year, cumulative_codes).items()
        },
        "types": {e.code: e.value_type for e in elements},
        "labels": _live_labels(),
    }
    return {
        "county": county,
        "year": year,
        "report": report,
        "saved_report": report if report.pk else None,
        "form": form,
        "groups": groups,
        "live": live,
        "pilot": pilot,
        "training_url": f"{reverse('training:event_list')}?county={county.code}&year={year}",
    }


def _live_labels() -> dict[str, str]:
    return {
        "met": _("Met"),
        "not_met": _("Not met"),
        "missing": _("Missing data"),
        "in_progress": _("In progress"),
        "not_applicable": _("Not applicable"),
        "increase": _("Higher than last year"),
        "true": _("Must be yes"),
        "monitor": _("No target"),
        "cumulative": _("Pilot total"),
        "last_year": _("last year"),
        "big_change": _("More than 50%% change from last year (%(before)s): please explain below."),
        "invalid": _("Not a valid value."),
        "invalid_input": _("Check the values"),
    }


# --- Detail and workflow ------------------------------------------------------------------------------


@login_required
def report_detail(request, code, year):
    """A report's values, status, workflow steps and the full history of its values."""
    county = _county_and_year(request, code, year)
    report = (
        AnnualReport.objects.filter(county=county, year=year)
        .select_related("submitted_by", "reviewed_by")
        .prefetch_related(Prefetch("transitions", queryset=ReportTransition.objects.select_related("actor")))
        .first()
    )
    elements = list(DataElement.objects.all())
    stored = selectors.stored_values(report)
    previous = selectors.previous_values(county.pk, year)
    derived = derived_values([(county.pk, year), (county.pk, year - 1)])
    groups = []
    for group in selectors.group_elements(elements):
        rows = []
        for element in group.elements:
            if element.is_derived:
                value = derived.get((county.pk, year), {}).get(element.code)
                before = derived.get((county.pk, year - 1), {}).get(element.code)
                comment = ""
            else:
                stored_value = stored.get(element.code)
                value = stored_value.value if stored_value else None
                comment = stored_value.comment if stored_value else ""
                before = previous.get(element.code)
            rows.append(
                {
                    "element": element,
                    "value": shown_value(value, element),
                    "previous": shown_value(before, element),
                    "comment": comment,
                }
            )
        groups.append({"title": group.title, "rows": rows})
    user = request.user
    available = services.available_actions(report, user)
    context = {
        "county": county,
        "year": year,
        "report": report,
        "groups": groups,
        "history": selectors.history_rows(report),
        "can_edit": can_change_county(user, county) and _may_edit(user, report),
        "actions": [
            {
                "transition": t,
                "url": reverse(f"indicators:report_{t.action}", kwargs={"code": code, "year": year}),
            }
            for t in available
            if t.action not in DECISIONS
        ],
        "decisions": [t for t in available if t.action in DECISIONS],
        "changes": selectors.changes_since_review(report),
    }
    return render(request, "indicators/reports/detail.html", context)


SUCCESS = {
    SUBMIT: gettext_lazy("The report was submitted for review."),
    WITHDRAW: gettext_lazy("The submission was withdrawn; the report is a draft again."),
    APPROVE: gettext_lazy("The report was approved and is now locked."),
    RETURN: gettext_lazy("The report was returned to the county."),
    REOPEN: gettext_lazy("The report was reopened; the county can change it again."),
}
DECISIONS = (APPROVE, RETURN)


def _take_step(request, code, year, action):
    """Take one step of the report workflow from a posted form (comment and version seen).

    Submitting and withdrawing are for those who may change the county (404 otherwise, like its entry page); a
    user whom the workflow table does not allow the step gets a 403; a refusal for the report's state, version
    or a missing comment becomes a message on the report's page.
    """
    transition = REPORT_WORKFLOW.transition(action)
    county = get_county_or_404(request.user, code, for_change=action in (SUBMIT, WITHDRAW))
    report = get_object_or_404(AnnualReport, county=county, year=year)
    if not transition.permits(report, request.user):
        raise PermissionDenied(transition.refused)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("indicators:report_detail", code=county.code, year=year)
    try:
        services.take_report_action(
            report,
            request.user,
            action=action,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except services.ReportValidationError as exc:
        messages.error(request, _("The report cannot be submitted: %(why)s") % {"why": exc})
    except PortalError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, SUCCESS[action])
    return redirect("indicators:report_detail", code=county.code, year=year)


def _workflow_view(action: str):
    """The view taking the step ``action`` (its own URL)."""

    @require_POST
    @login_required
    def view(request, code, year):
        return _take_step(request, code, year, action)

    view.__name__ = f"report_{action}"
    return view


report_submit = _workflow_view(SUBMIT)
report_withdraw = _workflow_view(WITHDRAW)
report_approve = _workflow_view(APPROVE)
report_return = _workflow_view(RETURN)
report_reopen = _workflow_view(REOPEN)


@require_POST
@login_required
def report_review(request, code, year):
    """The one review decision form: approve or return (chosen by ``action``) with one comment box, required
    for returning. No decision chosen is refused with a message saying so."""
    action = request.POST.get("action", "")
    if action not in DECISIONS:
        get_county_or_404(request.user, code)
        messages.error(request, _("Choose whether to approve or to return the report."))
        return redirect("indicators:report_detail", code=code, year=year)
    return _take_step(request, code, year, action)


def _require_region(request):
    require_region(request.user)


@login_required
def review_queue(request):
    """Submitted reports awaiting review; approve or return several at once."""
    _require_region(request)
    filters = {"league": request.GET.get("league", ""), "year": request.GET.get("year", "")}
    queue = selectors.review_queue(request.user, **filters)
    if request.method == "POST":
        form = BulkReviewForm(request.POST, queryset=selectors.review_queue(request.user))
        if form.is_valid():
            reports = form.cleaned_data["items"]
            if form.cleaned_data["action"] == "approve":
                done, skipped = services.approve_reports(
                    reports, request.user, comment=form.cleaned_data["comment"]
                )
                messages.success(request, _("%(n)s reports approved.") % {"n": len(done)})
            else:
                done, skipped = services.return_reports(reports, request.user, form.cleaned_data["comment"])
                messages.success(request, _("%(n)s reports returned.") % {"n": len(done)})
            for report, why in skipped:
                messages.warning(request, f"{report}: {why}")
            return redirect(request.get_full_path())
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "reports": page.object_list,
        "rows": selectors.review_rows(page.object_list),
        "filters": filters,
        "leagues": visible_leagues(request.user),
        "years": selectors.report_years_span(),
        "querystring": query.urlencode(),
    }
    return render(request, "indicators/reports/review_queue.html", context)


@login_required
def completeness(request):
    """Counties × years with the status of each report: pilot counties by default, filterable by league, batch
    and status, each year's reporting deadline in its heading."""
    filters = {
        "league": request.GET.get("league", ""),
        "batch": request.GET.get("batch", ""),
        "pilots": "0" if request.GET.get("pilots") == "0" else "1",  # pilot counties unless asked for all
        "status": request.GET.get("status", ""),
    }

    def body():
        rows, years, totals, deadlines = selectors.completeness_grid(
            request.user,
            league=filters["league"],
            batch=filters["batch"],
            pilots_only=filters["pilots"] == "1",
            status=filters["status"],
        )
        context = {
            "rows": rows,
            "years": years,
            "totals": [totals[y] | {"year": y, "deadline": deadlines[y]} for y in years],
            "filters": filters,
            "leagues": visible_leagues(request.user),
            "batches": sorted(set(PilotDesignation.objects.values_list("batch", flat=True))),
            "statuses": ReportStatus.choices,
            "status_filters": selectors.GRID_STATUS_FILTERS,
        }
        return render_to_string("indicators/reports/_completeness_body.html", context, request)

    context = {"body": cached_fragment(request, "completeness", data_version(), body)}
    return render(request, "indicators/reports/completeness.html", context)


# --- Catalogue ----------------------------------------------------------------------------------------


@login_required
def catalogue(request):
    """Data elements, indicators with formula, rule, target and weight, grade bands, and recent changes."""
    indicators = Indicator.objects.prefetch_related("numerator", "denominator")
    context = {
        "groups": selectors.group_elements(DataElement.objects.all()),
        "indicators": indicators,
        "bands": GradeBand.objects.all(),
        "indicator_changes": Indicator.history.select_related("history_user").order_by("-history_date")[:20],
        "band_changes": GradeBand.history.select_related("history_user").order_by("-history_date")[:10],
        "can_edit": is_region(request.user),
        "acceptance_rules": [
            {"rule": rule, "label": rule_label(rule)} for rule in AcceptanceRule.objects.all()
        ],
        "versions": CatalogueVersion.objects.filter(effective_year__gt=0)
        .select_related("indicator", "band", "created_by")
        .order_by("-effective_year", "-created_at"),
    }
    return render(request, "indicators/catalogue/catalogue.html", context)


@login_required
def indicator_edit(request, code):
    _require_region(request)
    indicator = get_object_or_404(Indicator, code=code)
    form = IndicatorForm(
        request.POST or None,
        rule=indicator.rule,
        initial={
            "target": indicator.target,
            "weight": indicator.weight,
            "effective_year": selectors.current_year(),
        },
    )
    if request.method == "POST" and form.is_valid():
        changed = services.update_indicator(
            indicator,
            request.user,
            target=form.cleaned_data.get("target", indicator.target),
            weight=form.cleaned_data["weight"],
            reason=form.cleaned_data["reason"],
            effective_year=form.cleaned_data["effective_year"],
        )
        return _catalogue_saved(request, indicator, changed)
    return _catalogue_edit_page(request, form, indicator, "indicator")


@login_required
def grade_band_edit(request, pk):
    _require_region(request)
    band = get_object_or_404(GradeBand, pk=pk)
    form = GradeBandForm(
        request.POST or None,
        initial={"min_score": band.min_score, "effective_year": selectors.current_year()},
    )
    if request.method == "POST" and form.is_valid():
        changed = services.update_grade_band(
            band,
            request.user,
            min_score=form.cleaned_data["min_score"],
            reason=form.cleaned_data["reason"],
            effective_year=form.cleaned_data["effective_year"],
        )
        return _catalogue_saved(request, band, changed)
    return _catalogue_edit_page(request, form, band, "band")


def _catalogue_saved(request, obj, changed: bool):
    if changed:
        messages.success(request, _("%(name)s updated; scores are being recomputed.") % {"name": obj.name})
    else:
        messages.info(request, _("Nothing changed."))
    return redirect("indicators:catalogue")


def _catalogue_edit_page(request, form, obj, kind: str):
    """The edit form of an indicator or grade band with its last 20 recorded changes."""
    history = obj.history.select_related("history_user").order_by("-history_date")[:20]
    context = {
        "form": form,
        "object": obj,
        "history": history,
        "kind": kind,
        "versions": obj.versions.select_related("created_by").order_by("-effective_year"),
    }
    return render(request, "indicators/catalogue/edit.html", context)


urlpatterns = [
    path("reports/<str:code>/<int:year>/", report_detail, name="report_detail"),
    path("reports/<str:code>/<int:year>/entry/", report_entry, name="report_entry"),
    path("reports/<str:code>/<int:year>/submit/", report_submit, name="report_submit"),
    path("reports/<str:code>/<int:year>/withdraw/", report_withdraw, name="report_withdraw"),
    path("reports/<str:code>/<int:year>/review/", report_review, name="report_review"),
    path("reports/<str:code>/<int:year>/approve/", report_approve, name="report_approve"),
    path("reports/<str:code>/<int:year>/return/", report_return, name="report_return"),
    path("reports/<str:code>/<int:year>/reopen/", report_reopen, name="report_reopen"),
    path("review/", review_queue, name="review_queue"),
    path("completeness/", completeness, name="completeness"),
    path("catalogue/", catalogue, name="catalogue"),
    path("catalogue/indicators/<slug:code>/", indicator_edit, name="indicator_edit"),
    path("catalogue/grades/<int:pk>/", grade_band_edit, name="grade_band_edit"),
]
