from django.utils.translation import gettext_lazy as _

from config.navigation import NavItem

ITEMS = [
    NavItem("home", _("Home"), order=0),
    NavItem("counties:designate", _("Designate pilots"), roles=("region_staff",), order=70),
    NavItem("counties:list", _("Counties"), roles=("league_staff", "region_staff", "auditor"), order=10),
]
