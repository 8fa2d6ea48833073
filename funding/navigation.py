"""Funding (SPEC §7): the overview (county staff land on their own ledger) and the tranche gate settings."""

from django.utils.translation import gettext_lazy as _

from config.navigation import NavItem

GROUP_FUNDING = _("Funding")

ITEMS = [
    NavItem("funding:overview", _("Fund execution"), order=40, group=GROUP_FUNDING),
    NavItem(
        "funding:gate_settings",
        _("Tranche gate"),
        roles=("region_staff", "auditor"),
        order=41,
        group=GROUP_FUNDING,
    ),
    NavItem(
        "funding:import",
        _("Fund ledger import"),
        roles=("region_staff", "league_staff", "county_staff"),
        order=42,
        group=GROUP_FUNDING,
    ),
]
