"""Panels of the inspections app: the county page's findings and the dashboards' overdue findings."""

from django.utils import timezone

from config.access import is_region
from config.panels import Panel

from .models import FindingStatus
from .selectors import finding_list, overdue_by_county, overdue_by_league
from .workflow import days_overdue


def county_panels_findings(request, county) -> list[Panel]:
    """The county's findings not closed (most urgent first) and its overdue count."""
    today = timezone.localdate()
    findings = list(
        finding_list(request.user, county=county.code)
        .exclude(status=FindingStatus.CLOSED)
        .order_by("deadline", "pk")[:20]
    )
    rows = [(f, days_overdue(f, today)) for f in findings]
    context = {
        "county": county,
        "rows": rows,
        "overdue": sum(1 for f in findings if f.deadline < today),
        "may_create": is_region(request.user),
    }
    return [Panel("inspections/panel_county.html", context, order=35, width="col-lg-8")]


def dashboard_panels_findings(request, **kwargs) -> list[Panel]:
    """Overdue findings per league and per county in the user's scope."""
    rows = overdue_by_county(request.user)
    context = {"rows": rows[:30], "leagues": overdue_by_league(rows), "more": max(0, len(rows) - 30)}
    return [Panel("inspections/panel_dashboard.html", context, order=50, width="col-xl-6")]
