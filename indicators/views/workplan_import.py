"""The page equivalent of ``import_tasks``: upload the tasks template, preview it, confirm (all or nothing)."""

from django.utils.translation import gettext_lazy

from config.excel.pages import ImportPages
from counties.scoping import require_changeable_county

from .. import selectors
from ..workplan_importing import TaskImporter


def _importer(request) -> TaskImporter:
    require_changeable_county(request.user)
    return TaskImporter(request.user)


PAGES = ImportPages(
    namespace="indicators",
    name="task_import",
    importer=_importer,
    upload_template="indicators/workplan/import.html",
    title=gettext_lazy("Work-plan tasks import preview"),
    landed=gettext_lazy(
        "Import complete: %(created)s tasks added, %(changed)s changed, %(unchanged)s unchanged."
    ),
    context=lambda request, importer: {"year": selectors.current_year()},
)

urlpatterns = PAGES.urls("tasks/import/")
