"""Work-plan task sections included into the report pages (entry, detail) and the catalogue page.

The pages include them with one tag, so that their views need not know about tasks:
``{% load workplan %}{% task_entry_section %}`` / ``{% task_report_section %}`` / ``{% work_task_catalogue %}``;
each reads ``county``, ``year`` and ``request`` from the page's context.
"""

from django import template

from .. import selectors
from .. import workplan_selectors as task_selectors
from ..models import AnnualReport, WorkTask
from ..services.workplan import may_change_tasks
from ..workplan_forms import TaskProgressForm

register = template.Library()


def _section(context, *, with_form: bool) -> dict:
    county, year = context.get("county"), context.get("year")
    if county is None or year is None or year not in task_selectors.pilot_years(county):
        return {"show": False}
    request = context["request"]
    report = context.get("report", None)
    if not isinstance(report, AnnualReport) or report.county_id != county.pk or report.year != year:
        report = selectors.report_for(county, year)
    elif report.pk is None:
        report = None
    rows = task_selectors.task_rows(county, year)
    section = {
        "show": True,
        "county": county,
        "year": year,
        "report": report,
        "rows": rows,
        "counts": task_selectors.task_counts(rows),
        "can_change": may_change_tasks(request.user, county, report),
        "csrf_token": context.get("csrf_token"),
    }
    if with_form and section["can_change"]:
        form = TaskProgressForm(
            tasks=[row.task for row in rows],
            stored={row.task.code: row.progress for row in rows if row.progress},
            initial={"version": report.version if report else 0},
        )
        by_code = {row.task.code: row for row in rows}
        section["form"] = form
        section["form_rows"] = [dict(fields, row=by_code[fields["task"].code]) for fields in form.rows()]
    return section


@register.inclusion_tag("indicators/workplan/_entry_section.html", takes_context=True)
def task_entry_section(context):
    """The tasks of the entry page: a form of every task with last year's status beside it."""
    return _section(context, with_form=True)


@register.inclusion_tag("indicators/workplan/_report_section.html", takes_context=True)
def task_report_section(context):
    """The tasks of the report (and review) page: status, texts and evidence, last year's status beside."""
    return _section(context, with_form=False)


@register.inclusion_tag("indicators/workplan/_catalogue.html")
def work_task_catalogue():
    return {"tasks": WorkTask.objects.all()}
