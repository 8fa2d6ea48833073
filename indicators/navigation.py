from django.utils.translation import gettext_lazy as _

from config.navigation import GROUP_DATA, GROUP_SETTINGS, NavItem

ITEMS = [
    NavItem("indicators:dashboard", _("Dashboard"), roles=("region_staff", "auditor"), order=5),
    NavItem("indicators:league_dashboard", _("League dashboard"), roles=("league_staff",), order=5),
    NavItem(
        "indicators:review_queue", _("Review queue"), roles=("region_staff",), order=20, group=GROUP_DATA
    ),
    NavItem(
        "indicators:completeness",
        _("Reporting completeness"),
        roles=("region_staff", "league_staff"),
        order=30,
        group=GROUP_DATA,
    ),
    NavItem(
        "indicators:task_matrix",
        _("Work-plan tasks"),
        roles=("region_staff", "league_staff", "auditor"),
        order=35,
        group=GROUP_DATA,
    ),
    NavItem(
        "indicators:import",
        _("Excel import"),
        roles=("county_staff", "region_staff"),
        order=40,
        group=GROUP_DATA,
    ),
    NavItem("indicators:exports", _("Excel exports"), order=50, group=GROUP_DATA),
    NavItem(
        "indicators:catalogue",
        _("Indicators and targets"),
        roles=("region_staff", "auditor"),
        order=60,
        group=GROUP_SETTINGS,
    ),
    NavItem("indicators:help", _("Reporting guide"), order=45, group=GROUP_DATA),
]
