"""The findings list import (问题清单) as pages: upload, preview, confirm — the regional office only."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.access import require_region
from config.excel.pages import ImportPages

from .importing import FindingImporter


def _importer(request) -> FindingImporter:
    require_region(request.user)
    return FindingImporter(request.user)


def _landed(result) -> str:
    return _("Import complete: %(created)s findings added, %(changed)s changed, %(unchanged)s unchanged.") % {
        "created": result.created,
        "changed": result.changed,
        "unchanged": result.unchanged,
    }


PAGES = ImportPages(
    namespace="inspections",
    name="finding_import",
    importer=_importer,
    upload_template="inspections/finding_import.html",
    title=gettext_lazy("Findings list import preview"),
    landed=_landed,
    done=lambda request, result: reverse("inspections:finding_list"),
)
