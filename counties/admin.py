from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import County, League, PilotDesignation, User


@admin.register(League)
class LeagueAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "league")
    list_filter = ("league", "kind")
    search_fields = ("code", "name")


@admin.register(PilotDesignation)
class PilotDesignationAdmin(SimpleHistoryAdmin):
    list_display = ("county", "batch", "designation_year", "start_year", "end_year", "status")
    list_filter = ("batch", "status", "county__league")
    search_fields = ("county__code", "county__name")
    autocomplete_fields = ("county",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "county", "league", "is_active")
    list_filter = ("role", "is_active", "league")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Role and scope"), {"fields": ("role", "county", "league")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Role and scope"), {"fields": ("role", "county", "league")}),
    )
    autocomplete_fields = ("county", "league")
