"""Receivers of the signals lower apps define (connected in ``IndicatorsConfig.ready``)."""

from django.dispatch import receiver

from counties.signals import designation_changed

from . import notifications  # noqa: F401 - connects the report-review notifications
from .models import AnnualReport
from .services import request_score_recompute


@receiver(designation_changed, dispatch_uid="indicators.rescore_designated_counties")
def rescore_designated_counties(sender, county_ids, **kwargs) -> None:
    """Pilot years decide the cumulative window and the baseline: rescore every reported year of the counties."""
    pairs = AnnualReport.objects.filter(county_id__in=list(county_ids)).values_list("county_id", "year")
    request_score_recompute(pairs, include_next_year=False)
