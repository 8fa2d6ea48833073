"""The fund ledger import page: template download, upload → preview → confirm / cancel (SPEC §10).

Like the annual-data import: the preview is a dry run of ``config.excel.run_import`` computed on upload and
kept with the uploaded bytes in the kernel's staging store (one staged upload per user); the session remembers
its SHA-256. Confirming re-plans the same bytes inside the import transaction, so what lands matches the
database at that moment. Who may import, and which rows, is decided by ``funding.permissions`` and the service.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.access import NotAllowed, is_region
from config.excel import run_import, staging
from config.excel.forms import PreviewedUploadForm
from counties.scoping import get_county_or_404
from indicators.models import ImportBatch

from .importing import APP_LABEL, KIND, PREVIEW_KIND, LedgerImporter, as_preview, write_ledger_template
from .permissions import may_import
from .selectors import template_entries

SESSION_KEY = "funding_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_importer(user) -> None:
    if not may_import(user):
        raise NotAllowed(_("Your account may not record funds, so it cannot import the fund ledger."))


def _staged(request) -> staging.StagedUpload:
    return staging.StagedUpload(request, SESSION_KEY, PREVIEW_KIND)


def _home(user) -> str:
    return user.county.code if getattr(user, "county_id", None) else ""


@login_required
def import_view(request):
    """Upload a filled ledger template; the preview follows on the next page."""
    _require_importer(request.user)
    form = PreviewedUploadForm()
    if request.method == "POST":
        form = PreviewedUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data, file_name = form.cleaned_data["data"], form.cleaned_data["file_name"]
            result = run_import(LedgerImporter(request.user), data, file_name=file_name, dry_run=True)
            _staged(request).stage(data, as_preview(result), sha256=result.sha256, file_name=file_name)
            return redirect("funding:import_preview")
    batches = ImportBatch.objects.filter(app=APP_LABEL, kind=KIND).select_related("user")
    if not is_region(request.user):
        batches = batches.filter(user=request.user)
    context = {
        "form": form,
        "page_obj": Paginator(batches, 10).get_page(request.GET.get("page")),
        "max_upload_mb": settings.MAX_UPLOAD_MB,
        "pending": _staged(request).pending,
        "home": _home(request.user),
    }
    return render(request, "funding/import.html", context)


@login_required
def import_preview(request):
    """The dry run of the uploaded file: new, changed and unchanged entries, or every problem."""
    _require_importer(request.user)
    preview = _staged(request).preview()
    if preview is None:
        messages.info(request, _("Upload a file first."))
        return redirect("funding:import")
    rows = Paginator(preview["rows"], 100).get_page(request.GET.get("page"))
    problems = Paginator(preview["problems"], 200).get_page(request.GET.get("ppage"))
    context = {"preview": preview, "page_obj": rows, "problems": problems}
    return render(request, "funding/import_preview.html", context)


def _expired(request):
    messages.error(request, _("The preview has expired; upload the file again."))
    return redirect("funding:import")


@login_required
@require_POST
def import_confirm(request):
    """Land the previewed file: all or nothing, in one transaction."""
    _require_importer(request.user)
    staged = _staged(request)
    confirmed = staged.confirmed_data(request.POST.get("sha256"))
    if confirmed is None:
        return _expired(request)
    data, file_name = confirmed
    result = run_import(LedgerImporter(request.user), data, file_name=file_name)
    if not result.ok:
        staged.refresh(as_preview(result))
        messages.error(
            request, _("The data changed since the preview and the file is now refused; nothing was saved.")
        )
        return redirect("funding:import_preview")
    staged.discard()
    if result.landed:
        messages.success(
            request,
            _("Import #%(id)s landed: %(created)s new entries, %(changed)s changed entries.")
            % {"id": result.batch.pk, "created": result.created, "changed": result.changed},
        )
    else:
        messages.info(request, _("The file matches what is stored; nothing was changed."))
    return redirect("funding:import")


@login_required
@require_POST
def import_cancel(request):
    _staged(request).discard()
    messages.info(request, _("The upload was discarded; nothing was saved."))
    return redirect("funding:import")


@login_required
def template_download(request):
    """The ledger template, pre-filled with the entries the user may write (of one county with ``?county=``)."""
    _require_importer(request.user)
    code = request.GET.get("county", "").strip()
    county = get_county_or_404(request.user, code) if code else None
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_ledger_template(template_entries(request.user, county=county), handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"资金台账模板{'-' + county.name if county else ''}.xlsx",
        content_type=XLSX,
    )
