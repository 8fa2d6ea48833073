"""The pilot summary's work-plan section (``config.registry`` contract ``summary_sections``): each task's status
in each pilot year, as JSON-ready strings (the section is stored in the acceptance snapshot as it is)."""

from django.utils.translation import gettext as _

from .workplan_selectors import county_task_years


def summary_sections(county, designation) -> dict:
    data = county_task_years(county)
    if not data["years"]:
        return {}
    rows = [
        [row["task"].name, " · ".join(f"{cell['year']}：{cell['label']}" for cell in row["cells"])]
        for row in data["rows"]
    ]
    rows.append(
        [
            _("Completed"),
            " · ".join(f"{year}：{n}/{len(data['rows'])}" for year, n in data["completed"].items()),
        ]
    )
    return {"tasks": {"title": str(_("Work-plan tasks")), "rows": rows}}
