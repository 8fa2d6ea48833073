"""Role checks: who may do what, beside ``counties.scoping`` (which decides *which counties*).

Services call ``require_*`` (raising ``NotAllowed``, a ``PermissionDenied`` that carries a Chinese message) and
views and templates call the ``is_*`` / ``can_*`` predicates, so a rule such as "region staff only" is written once.
The functions take the user duck-typed (``role``, ``county_id``, ``league_id``, ``is_superuser``) so that this
kernel module imports no app.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .errors import NotAllowed as _NotAllowed

COUNTY_STAFF = "county_staff"
LEAGUE_STAFF = "league_staff"
REGION_STAFF = "region_staff"
AUDITOR = "auditor"
ALL_ROLES = (COUNTY_STAFF, LEAGUE_STAFF, REGION_STAFF, AUDITOR)


class NotAllowed(_NotAllowed, PermissionDenied):
    """Refused for the user's role or scope: a 403 wherever it is not caught, with a readable message."""


def role_of(user) -> str:
    """The user's role; superusers act as the regional office; anonymous or inactive users have none."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ""
    if getattr(user, "is_superuser", False):
        return REGION_STAFF
    return getattr(user, "role", "") or ""


def has_role(user, *roles: str) -> bool:
    return role_of(user) in roles


def is_region(user) -> bool:
    return has_role(user, REGION_STAFF)


def is_auditor(user) -> bool:
    return has_role(user, AUDITOR)


def can_read_everything(user) -> bool:
    """The regional office and auditors read every county."""
    return has_role(user, REGION_STAFF, AUDITOR)


def can_write_league_funds(user, county) -> bool:
    """League staff record matching funds (配套资金) for the counties of their league; the region for all."""
    if is_region(user):
        return True
    league_id = getattr(county, "league_id", None)
    return has_role(user, LEAGUE_STAFF) and league_id is not None and user.league_id == league_id


def can_write_county_data(user, county) -> bool:
    """County staff for their own county; the region for every county (the scoping rule, by role)."""
    if is_region(user):
        return True
    county_id = getattr(county, "pk", county)
    return has_role(user, COUNTY_STAFF) and county_id is not None and user.county_id == county_id


def require_role(user, *roles: str, message: str = "") -> None:
    if not has_role(user, *roles):
        raise NotAllowed(message or _("You are not allowed to do this."))


def require_region(user, message: str = "") -> None:
    """Only the regional office (自治区知识产权局) may do this."""
    require_role(user, REGION_STAFF, message=message or _("Only the regional office may do this."))


def require_writer(user, message: str = "") -> None:
    """Auditors and anonymous users never write."""
    if role_of(user) in ("", AUDITOR):
        raise NotAllowed(message or _("You are not allowed to do this."))
