"""The training panel of the county page: the working (current) year's progress toward 100 人次 and a 4·26 week activity."""

from django.utils import timezone

from config.panels import Panel
from counties.scoping import can_change_county

from .selectors import county_progress


def county_panels_training(request, county) -> list[Panel]:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        # The working year: the county reports (and trains) for the current year, also after its pilot ended.
        year = timezone.localdate().year
    context = {
        "county": county,
        "progress": county_progress(county, year),
        "previous": county_progress(county, year - 1),
        "may_change": can_change_county(request.user, county),
    }
    return [Panel("training/panel_county.html", context, order=40, width="col-lg-4")]
