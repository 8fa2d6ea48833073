"""Reporting deadlines (SPEC §8a): each year's annual report is due by a deadline, by default 31 March of the
following year, editable by the regional office. A report not submitted (draft, returned or missing) once the
deadline has passed is overdue: the completeness grid and the inbox show it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import require_region
from config.errors import InvalidInput

from .models import ReportingDeadline, ReportStatus, default_deadline

DONE = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def deadlines_for(years) -> dict[int, datetime.date]:
    """``{year: deadline}`` for ``years`` (stored or default), one query."""
    years = list(years)
    stored = dict(ReportingDeadline.objects.filter(year__in=years).values_list("year", "deadline"))
    return {year: stored.get(year) or default_deadline(year) for year in years}


def deadline_for(year: int) -> datetime.date:
    return deadlines_for([year])[year]


def is_overdue(status: str | None, deadline: datetime.date, today: datetime.date | None = None) -> bool:
    """Whether a report in ``status`` (None: not started) is overdue on ``today``."""
    today = today or timezone.localdate()
    return today > deadline and status not in DONE


@transaction.atomic
def set_deadline(*, user, year: int, deadline: datetime.date) -> ReportingDeadline:
    require_region(user)
    if not isinstance(deadline, datetime.date) or deadline.year < year:
        raise InvalidInput(
            _("The deadline of the %(year)s reports must fall after that year.") % {"year": year}
        )
    row, _created = ReportingDeadline.objects.select_for_update().get_or_create(
        year=year, defaults={"deadline": deadline, "updated_by": user}
    )
    row.deadline = deadline
    row.updated_by = user
    row._history_user = user
    row.save()
    return row
