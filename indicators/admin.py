from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Acceptance,
    AcceptanceRule,
    AnnualReport,
    CountyYearScore,
    DataElement,
    DataValue,
    GradeBand,
    ImportBatch,
    Indicator,
    IndicatorResult,
    ReportTransition,
)


class ReadOnlyAdminMixin:
    """Catalogue and annual data change only through the portal, whose services lock and trigger scoring."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataElement)
class DataElementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "unit", "section", "value_type", "is_derived")
    search_fields = ("code", "name")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "rule", "target", "weight")
    readonly_fields = ("code", "rule", "factor", "numerator", "denominator")
    search_fields = ("code", "name")


@admin.register(GradeBand)
class GradeBandAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "min_score")


class DataValueInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DataValue
    extra = 0
    autocomplete_fields = ("element",)


class ReportTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReportTransition
    extra = 0
    readonly_fields = ("from_status", "to_status", "actor", "created_at", "comment")
    can_delete = False


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("county", "year", "status", "updated_at")
    list_filter = ("status", "year", "county__league")
    search_fields = ("county__code", "county__name")
    inlines = [DataValueInline, ReportTransitionInline]


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("report", "element", "value")
    list_filter = ("element",)
    search_fields = ("report__county__name", "element__code")


@admin.register(IndicatorResult)
class IndicatorResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("county", "year", "indicator", "value", "target", "status")
    list_filter = ("status", "year", "indicator")


@admin.register(CountyYearScore)
class CountyYearScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("county", "year", "score", "grade", "met_count", "scored_count")
    list_filter = ("year", "grade")


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "file_name",
        "app",
        "kind",
        "user",
        "created_at",
        "rows",
        "values_created",
        "values_changed",
    )
    list_filter = ("app", "kind")


@admin.register(AcceptanceRule)
class AcceptanceRuleAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """The rules behind the proposed acceptance conclusion: read-only here, edited on the catalogue page (checked,
    with a reason: ``indicators.acceptance.update_acceptance_rule``)."""

    list_display = ("kind", "enabled", "grade", "threshold", "order")


@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("designation", "conclusion", "proposed", "recorded_by", "recorded_at")
