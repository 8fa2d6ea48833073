"""Training and publicity events (SPEC §9)."""

from django.utils.translation import gettext_lazy as _

from config.navigation import GROUP_TRAINING, NavItem

ITEMS = [
    NavItem("training:event_list", _("Training and publicity"), order=35, group=GROUP_TRAINING),
    NavItem(
        "training:progress",
        _("Training progress"),
        roles=("region_staff", "auditor"),
        order=36,
        group=GROUP_TRAINING,
    ),
]
