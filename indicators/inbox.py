"""待办 items of the indicators app (``config.inbox``): reports due or overdue, returned reports, reports to
review.

Which reports are expected: for a pilot, every year from its baseline to the last finished year of the pilot;
for a county that is not a pilot, the last finished year only (the comparison group).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import COUNTY_STAFF, LEAGUE_STAFF, REGION_STAFF, role_of
from config.inbox import InboxItem
from counties.models import PilotDesignation
from counties.scoping import visible_counties

from .deadlines import DONE, deadlines_for
from .models import AnnualReport, ReportStatus

DUE_SOON_DAYS = 60


def expected_years(county, this_year: int) -> list[int]:
    pilot = getattr(county, "pilot", None)
    if pilot is not None and pilot.status == PilotDesignation.Status.ACTIVE:
        return list(range(pilot.baseline_year, min(pilot.end_year, this_year - 1) + 1))
    if pilot is not None:
        return []
    return [this_year - 1]


def outstanding_reports(counties, today=None) -> list[tuple]:
    """``(county, year, report or None, deadline, overdue)`` for every expected report not yet submitted whose
    deadline has passed or falls within ``DUE_SOON_DAYS``."""
    today = today or timezone.localdate()
    counties = list(counties)
    pairs = [(county, year) for county in counties for year in expected_years(county, today.year)]
    deadlines = deadlines_for({year for _c, year in pairs})
    reports = {
        (r.county_id, r.year): r
        for r in AnnualReport.objects.filter(
            county__in=[c.pk for c in counties], year__in=list(deadlines)
        ).only("pk", "county_id", "year", "status")
    }
    rows = []
    for county, year in pairs:
        report = reports.get((county.pk, year))
        if report is not None and report.status in DONE:
            continue
        deadline = deadlines[year]
        if (deadline - today).days > DUE_SOON_DAYS:
            continue
        rows.append((county, year, report, deadline, today > deadline))
    return rows


def inbox_items(user) -> list[InboxItem]:
    role = role_of(user)
    items: list[InboxItem] = []
    if role == COUNTY_STAFF and user.county_id:
        county = visible_counties(user).select_related("pilot").first()
        if county is None:
            return []
        for _county, year, report, deadline, overdue in outstanding_reports([county]):
            url = reverse("indicators:report_entry", kwargs={"code": county.code, "year": year})
            if report is not None and report.status == ReportStatus.RETURNED:
                continue  # listed below as returned
            label = (
                _("The %(year)s annual report is overdue (deadline %(deadline)s)")
                if overdue
                else _("The %(year)s annual report is due by %(deadline)s")
            ) % {"year": year, "deadline": f"{deadline:%Y-%m-%d}"}
            items.append(
                InboxItem(
                    label=label, url=url, level="danger" if overdue else "info", priority=5 if overdue else 40
                )
            )
        returned = AnnualReport.objects.filter(county_id=user.county_id, status=ReportStatus.RETURNED)
        for report in returned.select_related("county"):
            items.append(
                InboxItem(
                    label=_("The %(year)s annual report was returned: correct and resubmit it")
                    % {"year": report.year},
                    url=reverse(
                        "indicators:report_detail", kwargs={"code": report.county.code, "year": report.year}
                    ),
                    level="danger",
                    priority=3,
                    detail=report.review_comment[:80],
                )
            )
        return items
    if role in (REGION_STAFF, LEAGUE_STAFF):
        counties = visible_counties(user).select_related("pilot").filter(pilot__isnull=False)
        rows = outstanding_reports(counties)
        overdue = sum(1 for row in rows if row[4])
        completeness = reverse("indicators:completeness") + "?pilots=1"
        if overdue:
            items.append(
                InboxItem(
                    label=_("Pilot annual reports overdue"),
                    url=completeness,
                    count=overdue,
                    level="danger",
                    priority=8,
                )
            )
        if len(rows) - overdue:
            items.append(
                InboxItem(
                    label=_("Pilot annual reports due soon"),
                    url=completeness,
                    count=len(rows) - overdue,
                    level="info",
                    priority=50,
                )
            )
        returned = AnnualReport.objects.filter(
            county__in=counties.values("pk"), status=ReportStatus.RETURNED
        ).count()
        if returned:
            items.append(
                InboxItem(
                    label=_("Returned reports waiting for the counties"),
                    url=completeness,
                    count=returned,
                    level="secondary",
                    priority=80,
                )
            )
    if role == REGION_STAFF:
        submitted = AnnualReport.objects.filter(status=ReportStatus.SUBMITTED).count()
        if submitted:
            items.append(
                InboxItem(
                    label=_("Reports waiting for review"),
                    url=reverse("indicators:review_queue"),
                    count=submitted,
                    level="warning",
                    priority=12,
                )
            )
    return items
