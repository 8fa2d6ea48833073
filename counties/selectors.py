"""Read queries on the organisation."""

from django.db.models import Q, QuerySet

from .scoping import visible_counties


def county_list(user, *, q: str = "", league: str = "", pilot_status: str = "", batch: str = "") -> QuerySet:
    """Counties visible to ``user`` with their league and pilot designation, filtered."""
    qs = visible_counties(user).select_related("league", "pilot")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q) | Q(league__name__icontains=q))
    if league:
        qs = qs.filter(league__code=league)
    if pilot_status == "pilot":
        qs = qs.filter(pilot__isnull=False)
    elif pilot_status == "none":
        qs = qs.filter(pilot__isnull=True)
    elif pilot_status:
        qs = qs.filter(pilot__status=pilot_status)
    if batch:
        qs = qs.filter(pilot__batch=batch)
    return qs.order_by("code")
