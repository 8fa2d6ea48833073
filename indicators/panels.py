"""Panels the indicators app adds to other pages (see config/panels.py)."""

from django.template.loader import render_to_string

from config.access import is_region
from config.pagecache import cached_fragment
from config.panels import Panel
from counties.scoping import can_change_county

from . import selectors
from .dashboards import county_summary, region_standing
from .models import ReportStatus
from .pagecache import data_version
from .workplan_selectors import county_task_years


def county_panels_reports(request, county):
    """The county's reportable years, baseline to current, with each report's status and links."""
    can_change = can_change_county(request.user, county)
    pilot = getattr(county, "pilot", None)
    rows = []
    for year, report in selectors.county_report_years(county):
        editable = report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
        editable = editable or (report.status == ReportStatus.SUBMITTED and is_region(request.user))
        rows.append(
            {
                "year": year,
                "report": report,
                "baseline": pilot is not None and year == pilot.baseline_year,
                "can_edit": can_change and editable,
            }
        )
    return [Panel("indicators/reports/_county_panel.html", {"county": county, "rows": rows}, order=20)]


def county_panels_scores(request, county):
    """The county's compliance scores: latest score and grade, history, what is missing, recompute state."""

    def render():
        return render_to_string(
            "indicators/dashboards/_county_panel.html", {"panel": county_summary(county)}, request
        )

    html = cached_fragment(request, f"county_panel_scores:{county.pk}", data_version(), render)
    return [Panel("indicators/dashboards/_cached_panel.html", {"html": html}, order=30)]


def home_region_panels_standing(request):
    """The region's home: where do we stand (pilots by grade, reports to review, overdue, findings, funds)."""
    return [
        Panel(
            "indicators/dashboards/_standing_panel.html",
            region_standing(request.user),
            order=10,
            width="col-12",
        )
    ]


def county_panels_tasks(request, county):
    """The pilot's work-plan tasks over its years: each task's status per year, completed per year."""
    data = county_task_years(county)
    if not data["years"]:
        return []
    return [Panel("indicators/workplan/_county_panel.html", {"county": county, **data}, order=35)]
