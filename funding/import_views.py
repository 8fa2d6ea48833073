"""The fund ledger import pages: template download, upload → preview → confirm / cancel (SPEC §10).

The upload, preview, confirm and cancel steps are the kernel's ``ImportPages`` (``config.excel.pages``); this
module adds the ledger's upload page context (its import batches) and the template download. Who may import,
and which rows, is decided by ``funding.permissions`` and the service.
"""

from __future__ import annotations

import tempfile

from django.core.paginator import Paginator
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.access import NotAllowed
from config.excel.pages import ImportPages
from counties.scoping import get_county_or_404
from indicators.batches import visible_batches

from .importing import APP_LABEL, KIND, LedgerImporter, write_ledger_template
from .permissions import may_import
from .selectors import template_entries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_importer(user) -> None:
    if not may_import(user):
        raise NotAllowed(_("Your account may not record funds, so it cannot import the fund ledger."))


def _importer(request) -> LedgerImporter:
    _require_importer(request.user)
    return LedgerImporter(request.user)


def _upload_context(request, importer) -> dict:
    """The upload page's list of ledger imports (the user's own; every one for the regional office)."""
    batches = visible_batches(request.user, app=APP_LABEL, kind=KIND)
    return {
        "page_obj": Paginator(batches, 10).get_page(request.GET.get("page")),
        "home": request.user.county.code if getattr(request.user, "county_id", None) else "",
    }


PAGES = ImportPages(
    namespace="funding",
    name="import",
    importer=_importer,
    upload_template="funding/import.html",
    title=gettext_lazy("Fund ledger import preview"),
    landed=gettext_lazy("Import #%(id)s landed: %(created)s new entries, %(changed)s changed entries."),
    context=_upload_context,
)


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
