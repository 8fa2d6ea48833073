"""Views: Excel template download, upload → preview → confirm import, and the export pages.

The preview is computed once on upload (``config.excel.run_import`` as a dry run) and kept with the uploaded
bytes in the kernel's staging store (``config.excel.staging``: one staged upload per user, private storage);
the session remembers its SHA-256. Confirming re-plans the same bytes inside the import transaction, so what
lands matches the database at that moment.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.excel import staging
from config.excel.forms import PreviewedUploadForm
from config.excel.pages import preview_fingerprint
from counties.scoping import changeable_counties, require_changeable_county, visible_counties

from ..batches import access_import_batch, batch_changes, visible_batches
from ..excel_forms import ExportFilterForm, TemplateForm
from ..exporting import (
    audit_file_name,
    audit_sheets,
    detail_sheet,
    summary_sheet,
    write_template,
    xlsx_response,
)
from ..importing import APP_LABEL, KIND, display_value, import_workbook, preview_workbook
from ..models import ReportStatus, ResultStatus

SESSION_KEY = "excel_import"
PREVIEW_KIND = "indicators:import"
PREVIEWED = ("values_created", "values_changed", "reports_created", "pairs", "warnings", "warning_count")


def _staged(request) -> staging.StagedUpload:
    return staging.StagedUpload(request, SESSION_KEY, PREVIEW_KIND)


def _preview(plan) -> dict:
    return {**plan.as_preview(), "kind": PREVIEW_KIND}


@login_required
def import_view(request):
    """Upload a filled template; the preview follows on the next page."""
    require_changeable_county(request.user)
    form = PreviewedUploadForm()
    if request.method == "POST":
        form = PreviewedUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data, file_name = form.cleaned_data["data"], form.cleaned_data["file_name"]
            plan = preview_workbook(data, file_name, request.user)
            _staged(request).stage(data, _preview(plan), sha256=plan.sha256, file_name=file_name)
            return redirect("indicators:import_preview")
    batches = visible_batches(request.user, app=APP_LABEL, kind=KIND)
    context = {
        "form": form,
        "template_form": TemplateForm(request.user),
        "page_obj": Paginator(batches, 10).get_page(request.GET.get("page")),
        "max_upload_mb": settings.MAX_UPLOAD_MB,
        "pending": _staged(request).pending,
    }
    return render(request, "indicators/excel/import.html", context)


@login_required
def import_preview(request):
    """The dry run of the uploaded file: new and changed values per county and year, or every problem."""
    require_changeable_county(request.user)
    preview = _staged(request).preview()
    if preview is None:
        messages.info(request, _("Upload a file first."))
        return redirect("indicators:import")
    pairs = Paginator(preview["pairs"], 50).get_page(request.GET.get("page"))
    problems = Paginator(preview["problems"], 200).get_page(request.GET.get("ppage"))
    context = {"preview": preview, "page_obj": pairs, "problems": problems}
    return render(request, "indicators/excel/preview.html", context)


@login_required
@require_POST
def import_confirm(request):
    """Land the previewed file: all or nothing, in one transaction."""
    require_changeable_county(request.user)
    staged = _staged(request)
    confirmed = staged.confirmed(request.POST.get("sha256"))
    if confirmed is None:
        messages.error(request, _("The preview has expired; upload the file again."))
        return redirect("indicators:import")
    data, file_name, previewed = confirmed
    if not previewed["ok"]:
        messages.error(request, _("The file is refused: correct it and upload it again."))
        return redirect("indicators:import_preview")
    promised = preview_fingerprint(previewed, PREVIEWED)
    result = import_workbook(
        data,
        file_name,
        request.user,
        expect=lambda planned: preview_fingerprint(planned.plan.as_preview(), PREVIEWED) == promised,
    )
    plan = result.plan
    if result.outdated or not plan.ok:
        staged.refresh(_preview(plan))
        messages.error(
            request,
            _(
                "The data changed since the preview; nothing was saved. Check the new preview and confirm again."
            )
            if plan.ok
            else _("The data changed since the preview and the file is now refused; nothing was saved."),
        )
        return redirect("indicators:import_preview")
    staged.discard()
    if result.landed:
        batch = result.batch
        messages.success(
            request,
            _(
                "Import #%(id)s landed: %(created)s new values, %(changed)s changed values, "
                "%(reports)s new draft reports. Scores are being recomputed."
            )
            % {
                "id": batch.pk,
                "created": batch.values_created,
                "changed": batch.values_changed,
                "reports": batch.reports_created,
            },
        )
    else:
        messages.info(request, _("The file matches what is stored; nothing was changed."))
    return (
        redirect("indicators:import_batch", pk=batch.pk) if result.landed else redirect("indicators:import")
    )


@login_required
@require_POST
def import_cancel(request):
    _staged(request).discard()
    messages.info(request, _("The upload was discarded; nothing was saved."))
    return redirect("indicators:import")


@login_required
def template_download(request):
    """The wide template for a year: the user's own county, or every county (of one league) for the region."""
    require_changeable_county(request.user)
    form = TemplateForm(request.user, request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a valid year for the template."))
        return redirect("indicators:import")
    year = form.cleaned_data["year"]
    counties = changeable_counties(request.user)
    league = form.cleaned_data.get("league")
    if league:
        counties = counties.filter(league__code=league)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_template(counties, year, handle)
    handle.seek(0)
    suffix = request.user.county.name if request.user.is_county_staff and request.user.county_id else ""
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"年度数据模板-{year}{'-' + suffix if suffix else ''}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def import_batch(request, pk):
    """One landed import: who, when, which file, and every value it created or changed (from the history)."""
    require_changeable_county(request.user)
    batch = access_import_batch(request.user, pk)
    page = Paginator(batch_changes(request.user, batch), 100).get_page(request.GET.get("page"))
    for record in page:
        record.display = display_value(record.value, record.element)
    return render(request, "indicators/excel/batch.html", {"batch": batch, "page_obj": page})


@login_required
def exports(request):
    """The export page: the auditor workbook, indicator results and report summaries, scoped to the user."""
    context = {
        "filter_form": ExportFilterForm(request.user, auto_id="export_%s"),
        "template_form": (
            TemplateForm(request.user, auto_id="template_%s")
            if changeable_counties(request.user).exists()
            else None
        ),
        "county_count": visible_counties(request.user).count(),
    }
    return render(request, "indicators/excel/exports.html", context)


def _export_filters(request) -> tuple[int | None, str]:
    form = ExportFilterForm(request.user, request.GET)
    if not form.is_valid():
        return None, ""
    return form.cleaned_data.get("year"), form.cleaned_data.get("league") or ""


@login_required
def export_audit(request):
    year, _league = _export_filters(request)
    return xlsx_response(audit_file_name(year), audit_sheets(request.user, year))


@login_required
def export_results(request):
    """Indicator results (指标明细) as shown on the results pages; filters: year, league, county, status."""
    year, league = _export_filters(request)
    county = request.GET.get("county", "")
    status = request.GET.get("status", "")
    if status not in ResultStatus.values:
        status = ""
    sheet = detail_sheet(request.user, year, league=league, county=county, status=status)
    return xlsx_response(f"指标结果{'-' + str(year) if year else ''}.xlsx", [sheet])


@login_required
def export_summary(request):
    """Scores and reporting status per county and year (汇总), e.g. for the completeness and report lists."""
    year, league = _export_filters(request)
    status = request.GET.get("status", "")
    if status not in ReportStatus.values:
        status = ""
    sheet = summary_sheet(request.user, year, league=league, status=status)
    return xlsx_response(f"报送与得分{'-' + str(year) if year else ''}.xlsx", [sheet])


urlpatterns = [
    path("excel/import/", import_view, name="import"),
    path("excel/import/preview/", import_preview, name="import_preview"),
    path("excel/import/confirm/", import_confirm, name="import_confirm"),
    path("excel/import/cancel/", import_cancel, name="import_cancel"),
    path("excel/import/<int:pk>/", import_batch, name="import_batch"),
    path("excel/template/", template_download, name="template"),
    path("excel/exports/", exports, name="exports"),
    path("excel/exports/audit/", export_audit, name="export_audit"),
    path("excel/exports/results/", export_results, name="export_results"),
    path("excel/exports/summary/", export_summary, name="export_summary"),
]
