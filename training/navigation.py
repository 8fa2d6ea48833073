"""Training and publicity events (SPEC §9)."""

from django.utils.translation import gettext_lazy as _

from config.navigation import NavItem

ITEMS = [
    NavItem("training:event_list", _("Training and publicity"), order=35),
    NavItem(
        "training:progress",
        _("Training progress"),
        roles=("region_staff", "auditor"),
        order=36,
    ),
]
