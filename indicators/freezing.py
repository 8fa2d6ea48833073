"""Derived values of a submitted or approved year are frozen, and every change of them is in the report's history.

Derived elements (培训人次, 宣传周活动) are computed from training and publicity records (``<app>/derived.py``
through ``config.registry``), not typed. The choice made here (SPEC §5, "numbers do not move under people's feet"):

* **Frozen while under review or approved.** ``frozen_report`` / ``frozen_message`` let the services of the
  records (``training.services.ensure_unlocked``) refuse any change of
  the records behind derived values (creating, changing or deleting an event, its evidence…) while the
  (county, year) report is submitted or approved, for every role: the regional office returns (or reopens) the
  report first. So the reviewer approves exactly the derived values that were submitted.
* **Snapshot into the report at submission.** ``snapshot_derived_values(report, user)`` stores the derived values
  as ``DataValue`` rows of the report (with django-simple-history): a first submission records them, and a
  re-submission after a change records the old → new value, who submitted and when. The report's value history
  therefore lists every change of a derived value the reviewer is asked to approve. Scoring still reads the live
  records (identical to the snapshot while frozen).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from config import registry

from .models import AnnualReport, DataElement, DataValue, ReportStatus

FROZEN_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def frozen_report(county_id: int, year: int) -> AnnualReport | None:
    """The (county, year) report if it is submitted or approved (its derived values are frozen), else None."""
    return (
        AnnualReport.objects.filter(county_id=county_id, year=year, status__in=FROZEN_STATUSES)
        .select_related("county")
        .first()
    )


def is_year_frozen(county_id: int, year: int) -> bool:
    return frozen_report(county_id, year) is not None


def frozen_message(report: AnnualReport) -> str:
    params = {"year": report.year, "county": report.county.name}
    if report.status == ReportStatus.APPROVED:
        return (
            _(
                "The %(year)s report of %(county)s is approved: its training and publicity events are locked "
                "until the regional office reopens the report."
            )
            % params
        )
    return (
        _(
            "The %(year)s report of %(county)s has been submitted: its training and publicity events are frozen "
            "while it is under review. They can be changed again once the regional office returns the report."
        )
        % params
    )


def derived_values(pairs) -> dict[tuple[int, int], dict[str, Decimal]]:
    """Derived element values from every app's ``derived.py`` (``config.registry.derived_values``, merged)."""
    return registry.derived_values(pairs)


def snapshot_derived_values(report: AnnualReport, user) -> int:
    """Store the report's current derived values as its ``DataValue`` rows (history: who, when, old → new).

    Called inside the submission's transaction. Returns the number of rows created or changed.
    """
    elements = list(DataElement.objects.filter(is_derived=True))
    if not elements:
        return 0
    current = derived_values([(report.county_id, report.year)]).get((report.county_id, report.year), {})
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Derived values at submission")
    existing = {v.element_id: v for v in DataValue.objects.filter(report=report, element__in=elements)}
    written = 0
    for element in elements:
        value = current.get(element.code, Decimal(0))
        row = existing.get(element.pk)
        if row is not None and row.value == value:
            continue
        if row is None:
            row = DataValue(report=report, element=element)
        row.value = value
        row._history_user = user
        row._change_reason = reason
        row.save()
        written += 1
    return written
