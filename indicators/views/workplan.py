"""Views of work-plan task progress (SPEC §8b): the tasks of a report year (edit, one task with its evidence
and history), evidence files, and the region's task × county matrix.

Reads come from ``indicators.workplan_selectors``, every change goes through ``indicators.services.workplan``, and every
county is looked up through ``counties.scoping`` (out of scope is 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import PortalError, message_for
from config.evidence import evidence_response
from config.pagecache import render_page
from counties.models import PilotDesignation
from counties.scoping import (
    changeable_counties,
    get_county_or_404,
    get_in_scope_or_404,
    require_changeable_county,
    visible_leagues,
)

from .. import selectors
from .. import workplan_selectors as task_selectors
from ..exporting import xlsx_response
from ..models import TaskEvidence, TaskProgress, TaskStatus, WorkTask
from ..services import workplan as workplan_services
from ..workplan_exports import template_sheet
from ..workplan_forms import TaskEvidenceForm, TaskProgressForm


def _county_and_pilot_year(request, code, year, *, for_change=False):
    county = get_county_or_404(request.user, code, for_change=for_change)
    if year not in task_selectors.pilot_years(county):
        raise Http404
    return county


@login_required
def task_edit(request, code, year):
    """Every task of one pilot year: status, 工作进展, measures, last year's status beside each."""
    county = _county_and_pilot_year(request, code, year, for_change=True)
    report = selectors.report_for(county, year)
    if not workplan_services.may_change_tasks(request.user, county, report):
        messages.warning(request, _("The tasks of this report cannot be changed now."))
        return redirect("indicators:report_detail", code=county.code, year=year)
    rows = task_selectors.task_rows(county, year)
    stored = {row.task.code: row.progress for row in rows if row.progress}
    form = TaskProgressForm(
        request.POST or None,
        tasks=[row.task for row in rows],
        stored=stored,
        initial={"version": report.version if report else 0},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = workplan_services.save_task_progress(
                county=county,
                year=year,
                user=request.user,
                entries=form.entries(),
                expected_version=form.cleaned_data.get("version"),
            )
        except PortalError as exc:
            for problem in getattr(exc, "problems", []) or [exc.message]:
                form.add_error(None, problem)
        else:
            messages.success(
                request,
                _("Tasks saved: %(n)s changed.") % {"n": result.created + result.changed},
            )
            return redirect("indicators:report_entry", code=county.code, year=year)
    context = {
        "county": county,
        "year": year,
        "report": report,
        "form": form,
        "rows": _form_rows(form, rows),
    }
    return render(request, "indicators/workplan/edit.html", context)


def _form_rows(form, rows):
    by_code = {row.task.code: row for row in rows}
    return [dict(fields, row=by_code[fields["task"].code]) for fields in form.rows()]


def _task(code):
    return get_object_or_404(WorkTask, code=code)


@login_required
def task_detail(request, code, year, task):
    """One task of one year: status, texts, evidence files (upload while editable) and the history."""
    county = _county_and_pilot_year(request, code, year)
    task = _task(task)
    report = selectors.report_for(county, year)
    progress = TaskProgress.objects.filter(report=report, task=task).first() if report is not None else None
    previous = TaskProgress.objects.filter(report__county=county, report__year=year - 1, task=task).first()
    context = {
        "county": county,
        "year": year,
        "task": task,
        "report": report,
        "progress": progress,
        "status_label": TaskStatus(progress.status).label if progress else TaskStatus.NOT_STARTED.label,
        "style": task_selectors.STATUS_STYLES[progress.status if progress else TaskStatus.NOT_STARTED],
        "previous": previous,
        "evidence": list(progress.evidence.select_related("uploaded_by")) if progress else [],
        "history": task_selectors.task_history(progress) if progress else [],
        "can_change": workplan_services.may_change_tasks(request.user, county, report),
        "evidence_form": TaskEvidenceForm(),
    }
    return render(request, "indicators/workplan/detail.html", context)


@login_required
@require_POST
def task_evidence_upload(request, code, year, task):
    county = _county_and_pilot_year(request, code, year, for_change=True)
    task = _task(task)
    form = TaskEvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            workplan_services.attach_task_evidence(
                county=county, year=year, task=task, user=request.user, uploaded=form.cleaned_data["file"]
            )
        except PortalError as exc:
            messages.error(request, message_for(exc))
        else:
            messages.success(request, _("The evidence file was attached."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("indicators:task_detail", code=county.code, year=year, task=task.code)


def _evidence(request, pk, *, for_change=False) -> TaskEvidence:
    return get_in_scope_or_404(
        request.user,
        TaskEvidence.objects.select_related("progress__report__county", "progress__task"),
        county_field="progress__report__county",
        for_change=for_change,
        pk=pk,
    )


@login_required
def task_evidence_download(request, pk):
    evidence = _evidence(request, pk)
    return evidence_response(evidence)


@login_required
@require_POST
def task_evidence_delete(request, pk):
    evidence = _evidence(request, pk, for_change=True)
    report = evidence.progress.report
    try:
        workplan_services.delete_task_evidence(evidence=evidence, user=request.user)
    except PortalError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, _("The evidence file was removed."))
    return redirect(
        "indicators:task_detail", code=report.county.code, year=report.year, task=evidence.progress.task.code
    )


@login_required
def task_matrix(request):
    """Tasks × pilots of a year, each cell coloured by status and linking to the task's text."""
    years = selectors.report_years_span()
    try:
        year = int(request.GET.get("year") or selectors.current_year() - 1)
    except ValueError:
        year = selectors.current_year() - 1
    filters = {"year": year, "league": request.GET.get("league", ""), "batch": request.GET.get("batch", "")}

    def body():
        matrix = task_selectors.task_matrix(
            request.user, year, league=filters["league"], batch=filters["batch"]
        )
        return {
            **matrix,
            "filters": filters,
            "years": years,
            "leagues": visible_leagues(request.user),
            "batches": sorted(set(PilotDesignation.objects.values_list("batch", flat=True))),
            "can_download": changeable_counties(request.user).exists(),
            "statuses": [
                (status.value, status.label, task_selectors.STATUS_STYLES[status]) for status in TaskStatus
            ],
        }

    return render_page(request, "indicators/workplan/matrix.html", body)


@login_required
def task_template(request):
    """The task progress template of a year, pre-filled with what is stored: the user's own county, or every
    pilot (of one league) for the regional office."""
    require_changeable_county(request.user)
    try:
        year = int(request.GET.get("year") or selectors.current_year())
    except ValueError as exc:
        raise Http404 from exc
    counties = changeable_counties(request.user)
    if request.GET.get("league"):
        counties = counties.filter(league__code=request.GET["league"])
    return xlsx_response(f"工作任务模板-{year}.xlsx", [template_sheet(counties, year)])


urlpatterns = [
    path("reports/<str:code>/<int:year>/tasks/", task_edit, name="task_edit"),
    path("reports/<str:code>/<int:year>/tasks/<slug:task>/", task_detail, name="task_detail"),
    path(
        "reports/<str:code>/<int:year>/tasks/<slug:task>/evidence/",
        task_evidence_upload,
        name="task_evidence_upload",
    ),
    path("tasks/evidence/<int:pk>/", task_evidence_download, name="task_evidence_download"),
    path("tasks/evidence/<int:pk>/delete/", task_evidence_delete, name="task_evidence_delete"),
    path("tasks/", task_matrix, name="task_matrix"),
    path("tasks/template/", task_template, name="task_template"),
]
