"""Inspections and rectification (SPEC §8)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.navigation import NavItem

GROUP_INSPECTIONS = pgettext_lazy("menu", "Inspections")

ITEMS = [
    NavItem("inspections:finding_list", _("Findings and rectification"), order=45, group=GROUP_INSPECTIONS),
    NavItem("inspections:inspection_list", _("Inspections"), order=46, group=GROUP_INSPECTIONS),
]
