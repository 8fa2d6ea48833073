from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attendee, EventAudience, EventEvidence, TrainingEvent


class EventAudienceInline(admin.TabularInline):
    model = EventAudience
    extra = 0


class EventEvidenceInline(admin.TabularInline):
    model = EventEvidence
    extra = 0
    fields = ("kind", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrainingEvent)
class TrainingEventAdmin(SimpleHistoryAdmin):
    """Read-mostly: events change through the portal pages so that locking and recomputation apply."""

    list_display = ("date", "county", "title", "kind", "in_publicity_week")
    list_filter = ("kind", "in_publicity_week", "year", "county__league")
    search_fields = ("title", "county__name", "county__code")
    date_hierarchy = "date"
    inlines = [EventAudienceInline, EventEvidenceInline]
    readonly_fields = ("year", "in_publicity_week", "created_by", "created_at", "updated_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Attendee)
class AttendeeAdmin(admin.ModelAdmin):
    list_display = ("event", "row", "name", "employer", "category", "duplicate_of_row")
    search_fields = ("name", "employer", "event__title")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
