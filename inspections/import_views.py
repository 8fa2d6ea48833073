"""The findings list import (问题清单) as pages: upload, preview, confirm — the regional office only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from config.access import require_region
from config.excel.pages import ImportPages

from .importing import FindingImporter


def _importer(request) -> FindingImporter:
    require_region(request.user)
    return FindingImporter(request.user)


PAGES = ImportPages(
    namespace="inspections",
    name="finding_import",
    importer=_importer,
    upload_template="inspections/finding_import.html",
    title=gettext_lazy("Findings list import preview"),
    landed=gettext_lazy(
        "Import complete: %(created)s findings added, %(changed)s changed, %(unchanged)s unchanged."
    ),
    done=lambda request, result: reverse("inspections:finding_list"),
)
