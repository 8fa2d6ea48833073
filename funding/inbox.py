"""Tranche decisions for the inbox: the regional office sees the counties whose regional allocation is not
fully disbursed yet (a tranche to decide), idle money included as a warning."""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from config.access import is_region
from config.inbox import InboxItem

from .models import FundBalance, Source


def inbox_items(user) -> list[InboxItem]:
    if not is_region(user):
        return []
    pending = FundBalance.objects.filter(source=Source.REGIONAL, disbursed__lt=F("allocated")).count()
    if not pending:
        return []
    return [
        InboxItem(
            label=_("Tranche decisions: counties with regional funds allocated but not yet disbursed"),
            url=reverse("funding:overview"),
            count=pending,
            level="info",
            priority=60,
        )
    ]
