"""Views: the pilot summary (printable, Excel), recording the acceptance, and "explain my score"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.access import is_region
from config.errors import PortalError, message_for
from counties.scoping import get_county_or_404

from .. import assessment
from ..acceptance import record_acceptance
from ..exporting import xlsx_response
from ..forms import AcceptanceForm
from ..models import AcceptanceConclusion, Indicator, ResultStatus
from ..summary_export import summary_sheets


def _summary_context(request, county, form=None):
    summary, recorded = assessment.summary_for_display(county)
    if summary is None:
        raise Http404(_("%(county)s is not a pilot county.") % {"county": county.name})
    pilot = assessment.pilot_of(county)
    labels = dict(ResultStatus.choices)
    matrix = [
        {
            **row,
            "cells": [{**cell, "label": labels.get(cell["status"], "")} for cell in row["statuses"]],
        }
        for row in summary["indicators"]
    ]
    acceptance = summary.get("acceptance")
    context = {
        "county": county,
        "pilot": pilot,
        "summary": summary,
        "matrix": matrix,
        "years_training": list(zip(summary["years"], summary["training"], strict=False)),
        "conclusion_label": AcceptanceConclusion(acceptance["conclusion"]).label if acceptance else "",
        "recorded": recorded,
    }
    if is_region(request.user):
        final = acceptance is not None and acceptance["conclusion"] != AcceptanceConclusion.RECTIFY
        context["proposal"] = summary["proposal"] if final else assessment.proposed_conclusion(summary)
        may_record = assessment.can_record_acceptance(pilot) and (
            summary.get("acceptance") is None
            or summary["acceptance"]["conclusion"] == AcceptanceConclusion.RECTIFY
        )
        if may_record:
            context["form"] = form or AcceptanceForm(
                initial={"conclusion": context["proposal"]["conclusion"]}
            )
    return context


@login_required
@require_GET
def pilot_summary(request, code):
    """One pilot's summary over its pilot window; ``?format=xlsx`` downloads it; the page prints to A4."""
    county = get_county_or_404(request.user, code)
    context = _summary_context(request, county)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"试点总结_{county.code}_{county.name}.xlsx",
            summary_sheets(context["summary"], recorded=context["recorded"]),
        )
    return render(request, "indicators/assessment/summary.html", context)


@login_required
@require_POST
def record(request, code):
    """The regional office records the acceptance conclusion (通过 / 限期整改 / 不通过) with a reason."""
    county = get_county_or_404(request.user, code)
    form = AcceptanceForm(request.POST)
    if form.is_valid():
        try:
            record_acceptance(
                county=county,
                user=request.user,
                conclusion=form.cleaned_data["conclusion"],
                reason=form.cleaned_data["reason"],
            )
        except PortalError as exc:
            messages.error(request, message_for(exc))
        else:
            messages.success(
                request, _("The acceptance of %(county)s is recorded.") % {"county": county.name}
            )
            return redirect("indicators:pilot_summary", code=county.code)
    context = _summary_context(request, county, form=form)
    return render(request, "indicators/assessment/summary.html", context, status=400)


@login_required
@require_GET
def explain(request, code, year, indicator):
    """Explain one indicator result: formula, raw values and who entered them, target in force, approval."""
    county = get_county_or_404(request.user, code)
    indicator = get_object_or_404(
        Indicator.objects.prefetch_related("numerator", "denominator"), code=indicator
    )
    context = assessment.explain_result(county, year, indicator)
    if context is None:
        raise Http404(_("No result is stored for this indicator and year."))
    return render(request, "indicators/assessment/explain.html", context)


urlpatterns = [
    path("summary/<str:code>/", pilot_summary, name="pilot_summary"),
    path("summary/<str:code>/acceptance/", record, name="record_acceptance"),
    path("explain/<str:code>/<int:year>/<slug:indicator>/", explain, name="explain"),
]
