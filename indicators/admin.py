from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
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


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "section", "value_type", "is_derived")
    search_fields = ("code", "name")


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "rule", "target", "weight")
    list_editable = ("target", "weight")
    search_fields = ("code", "name")


@admin.register(GradeBand)
class GradeBandAdmin(SimpleHistoryAdmin):
    list_display = ("name", "min_score")


class DataValueInline(admin.TabularInline):
    model = DataValue
    extra = 0
    autocomplete_fields = ("element",)


class ReportTransitionInline(admin.TabularInline):
    model = ReportTransition
    extra = 0
    readonly_fields = ("from_status", "to_status", "actor", "created_at", "comment")
    can_delete = False


@admin.register(AnnualReport)
class AnnualReportAdmin(SimpleHistoryAdmin):
    list_display = ("county", "year", "status", "updated_at")
    list_filter = ("status", "year", "county__league")
    search_fields = ("county__code", "county__name")
    inlines = [DataValueInline, ReportTransitionInline]


@admin.register(DataValue)
class DataValueAdmin(SimpleHistoryAdmin):
    list_display = ("report", "element", "value")
    list_filter = ("element",)
    search_fields = ("report__county__name", "element__code")


@admin.register(IndicatorResult)
class IndicatorResultAdmin(admin.ModelAdmin):
    list_display = ("county", "year", "indicator", "value", "target", "status")
    list_filter = ("status", "year", "indicator")


@admin.register(CountyYearScore)
class CountyYearScoreAdmin(admin.ModelAdmin):
    list_display = ("county", "year", "score", "grade", "met_count", "scored_count")
    list_filter = ("year", "grade")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("file_name", "kind", "user", "created_at", "rows", "values_created", "values_changed")
