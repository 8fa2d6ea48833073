"""The one place that decides which counties a user may see and which they may change.

Every view, export and import scopes its querysets through these functions:

* ``region_staff`` (and superusers) see and change every county;
* ``auditor`` sees every county and changes nothing;
* ``league_staff`` see the counties of their league and change no county data;
* ``county_staff`` see and change their own county only.

Objects outside a user's scope are answered with 404, never 403, so their existence is not revealed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import County, League


def visible_counties(user) -> QuerySet[County]:
    """Counties whose data the user may read."""
    qs = County.objects.select_related("league")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_region_staff or user.is_auditor:
        return qs
    if user.is_league_staff:
        return qs.filter(league_id=user.league_id) if user.league_id else qs.none()
    if user.is_county_staff:
        return qs.filter(pk=user.county_id) if user.county_id else qs.none()
    return qs.none()


def changeable_counties(user) -> QuerySet[County]:
    """Counties whose data (reports, training, expenditures, rectifications) the user may change."""
    qs = County.objects.select_related("league")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_region_staff:
        return qs
    if user.is_county_staff and user.county_id:
        return qs.filter(pk=user.county_id)
    return qs.none()


def require_changeable_county(user) -> None:
    """Refuse (``PermissionDenied``) a user who may change no county's data: the gate of the write pages that
    are not about one county (imports, templates to fill)."""
    if not changeable_counties(user).exists():
        raise PermissionDenied


def visible_leagues(user) -> QuerySet[League]:
    """Leagues the user may read (those of their visible counties)."""
    return League.objects.filter(pk__in=visible_counties(user).values("league_id")).distinct()


def scope_queryset(
    user, queryset: QuerySet, *, county_field: str = "county", for_change: bool = False
) -> QuerySet:
    """Limit ``queryset`` to rows whose ``county_field`` lies in the user's scope.

    ``county_field`` is the lookup path from the model to County (e.g. ``"report__county"``); pass ``""``
    for a queryset of counties itself.
    """
    counties = changeable_counties(user) if for_change else visible_counties(user)
    lookup = f"{county_field}__in" if county_field else "pk__in"
    return queryset.filter(**{lookup: counties.values("pk")})


def can_view_county(user, county: County | int) -> bool:
    pk = county.pk if isinstance(county, Model) else county
    return visible_counties(user).filter(pk=pk).exists()


def can_change_county(user, county: County | int) -> bool:
    pk = county.pk if isinstance(county, Model) else county
    return changeable_counties(user).filter(pk=pk).exists()


def get_in_scope_or_404(
    user, queryset: QuerySet, *, county_field: str = "county", for_change: bool = False, **lookup
):
    """Fetch one object within the user's scope, or raise 404 (also for objects outside the scope)."""
    try:
        return scope_queryset(user, queryset, county_field=county_field, for_change=for_change).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def get_county_or_404(user, code: str, *, for_change: bool = False) -> County:
    return get_in_scope_or_404(
        user, County.objects.select_related("league"), county_field="", for_change=for_change, code=code
    )
