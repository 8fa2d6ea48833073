from django.utils.translation import gettext_lazy as _

from config.navigation import NavItem

ITEMS = [
    NavItem("training:event_list", _("Training and publicity"), order=35),
]
