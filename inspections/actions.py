"""Actions offered on other apps' pages (``config.registry``): an unmet indicator of a pilot's last year turns
into a pre-filled finding (工作目标) in one step."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from config.access import is_region
from indicators.models import ResultStatus


def indicator_result_actions(user, county, year, results) -> dict:
    pilot = getattr(county, "pilot", None)
    if not is_region(user) or pilot is None or year is None or year != min(pilot.end_year, year):
        return {}
    if year < pilot.start_year:
        return {}
    base = reverse("inspections:finding_create")
    return {
        indicator.pk: [
            (
                _("Record as finding"),
                f"{base}?{urlencode({'county': county.code, 'indicator': indicator.code, 'year': year})}",
            )
        ]
        for indicator, result in results
        if result["status"] == ResultStatus.NOT_MET
    }
