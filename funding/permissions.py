"""Who writes which fund entries (SPEC §7), on top of ``config.access`` and ``counties.scoping``.

* ``region_staff``: every kind of every source, every county;
* ``league_staff``: allocations and disbursements of the league source (盟市配套资金) for the counties of their
  league — the league decides and pays its matching funds; spending them is the county's record;
* ``county_staff``: every kind of the county source (旗县自筹) and the expenditures of every source, of their own
  county (the county is who spends the money);
* ``auditor``: nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from config.access import (
    COUNTY_STAFF,
    LEAGUE_STAFF,
    NotAllowed,
    can_write_county_data,
    can_write_league_funds,
    is_region,
    role_of,
)

from .models import Kind, Source


def may_write(user, county, kind: str, source: str) -> bool:
    """Whether ``user`` may create, change or delete an entry of ``kind`` and ``source`` for ``county``."""
    if is_region(user):
        return True
    role = role_of(user)
    if role == LEAGUE_STAFF:
        return (
            source == Source.LEAGUE
            and kind in (Kind.ALLOCATION, Kind.DISBURSEMENT)
            and can_write_league_funds(user, county)
        )
    if role == COUNTY_STAFF:
        return (source == Source.COUNTY or kind == Kind.EXPENDITURE) and can_write_county_data(user, county)
    return False


def writable_pairs(user, county) -> list[tuple[str, str]]:
    """The (kind, source) pairs ``user`` may write for ``county``, in ledger order."""
    return [
        (kind, source)
        for kind in Kind.values
        for source in Source.values
        if may_write(user, county, kind, source)
    ]


def may_write_any(user, county) -> bool:
    return bool(writable_pairs(user, county))


def may_import(user) -> bool:
    """Whether the user's role records funds at all (the fund ledger import and its template)."""
    if is_region(user):
        return True
    role = role_of(user)
    return (role == LEAGUE_STAFF and bool(user.league_id)) or (role == COUNTY_STAFF and bool(user.county_id))


def require_may_write(user, county, kind: str, source: str) -> None:
    if not may_write(user, county, kind, source):
        raise NotAllowed(
            _("You may not record %(kind)s of the %(source)s for %(county)s.")
            % {"kind": Kind(kind).label, "source": Source(source).label, "county": county.name}
        )
