from django.utils.translation import gettext_lazy as _

from config.navigation import GROUP_SETTINGS, NavItem

ITEMS = [
    NavItem("home", _("Home"), order=0),
    NavItem(
        "counties:designate", _("Designate pilots"), roles=("region_staff",), order=70, group=GROUP_SETTINGS
    ),
    NavItem("counties:list", _("Counties"), roles=("league_staff", "region_staff", "auditor"), order=10),
]
