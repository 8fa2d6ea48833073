"""Write operations on the organisation: pilot designation."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import County, PilotDesignation
from .signals import designation_changed


@transaction.atomic
def designate_pilots(
    codes: list[str],
    *,
    start_year: int,
    end_year: int,
    batch: int = 1,
    designation_year: int | None = None,
    status: str = PilotDesignation.Status.ACTIVE,
) -> list[PilotDesignation]:
    """Designate (or re-designate) the counties with these GB/T 2260 codes as pilots. All or nothing.

    Their stored scores are recomputed (on commit), since pilot years change how they are judged.
    """
    codes = [code.strip() for code in codes if code.strip()]
    if not codes:
        raise ValidationError(_("Name at least one county code."))
    if end_year < start_year:
        raise ValidationError(_("The end year must not be before the start year."))
    counties = {c.code: c for c in County.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in counties]
    if unknown:
        raise ValidationError(_("Unknown county codes: %(codes)s") % {"codes": ", ".join(unknown)})
    designations = []
    for code in codes:
        designation, _created = PilotDesignation.objects.update_or_create(
            county=counties[code],
            defaults={
                "batch": batch,
                "designation_year": designation_year or start_year - 1,
                "start_year": start_year,
                "end_year": end_year,
                "status": status,
            },
        )
        designations.append(designation)
    _rescore(county.pk for county in counties.values())
    return designations


def _rescore(county_ids) -> None:
    """Pilot years decide the cumulative window and the baseline: receivers (``indicators``) rescore every
    reported year of these counties, in this transaction (their recompute runs on commit)."""
    designation_changed.send(sender=PilotDesignation, county_ids=list(county_ids))


@transaction.atomic
def update_designation(designation: PilotDesignation) -> PilotDesignation:
    """Save a changed designation (years, batch, status) and rescore the county."""
    designation.full_clean()
    designation.save()
    _rescore([designation.county_id])
    return designation
