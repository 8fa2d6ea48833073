"""The event and attendee-list imports as pages: upload, preview, confirm (``config.excel.pages``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from config.excel.pages import ImportPages
from counties.scoping import get_in_scope_or_404, require_changeable_county

from .importing import AttendeeImporter, EventImporter
from .models import TrainingEvent


def _event_importer(request) -> EventImporter:
    require_changeable_county(request.user)
    return EventImporter(request.user)


def _event(request, pk) -> TrainingEvent:
    return get_in_scope_or_404(
        request.user, TrainingEvent.objects.select_related("county"), for_change=True, pk=pk
    )


EVENTS = ImportPages(
    namespace="training",
    name="event_import",
    importer=_event_importer,
    upload_template="training/event_import.html",
    title=gettext_lazy("Events import preview"),
    landed=gettext_lazy(
        "Import complete: %(created)s events added, %(changed)s changed, %(unchanged)s unchanged."
    ),
    done=lambda request, result: reverse("training:event_list"),
)

ATTENDEES = ImportPages(
    namespace="training",
    name="attendee_import",
    importer=lambda request, pk: AttendeeImporter(request.user, _event(request, pk)),
    upload_template="training/attendee_import.html",
    title=gettext_lazy("Attendee list import preview"),
    landed=gettext_lazy("%(created)s attendees imported; %(duplicates)s listed twice were counted once."),
    context=lambda request, importer, pk: {"event": importer.event},
    done=lambda request, result, pk: reverse("training:event_detail", kwargs={"pk": pk}),
    confirm_question=gettext_lazy("Replace the attendee list and headcounts of this event?"),
)
