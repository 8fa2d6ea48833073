"""Notifications of the annual report workflow: a report returned or approved tells the county's users.

Connected (``receiver``) to ``config.workflow.transitioned`` (sender ``"annual_report"``), which the
workflow sends once the step is committed.
"""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from config.workflow import transitioned
from counties.notifications import county_users, notify_users

from .models import ReportStatus
from .workflow import WORKFLOW_NAME


@receiver(transitioned, dispatch_uid="indicators.notify_report_reviewed")
def notify_report_reviewed(sender, obj=None, transition=None, user=None, comment="", **kwargs):
    if sender != WORKFLOW_NAME or obj is None or transition is None:
        return
    report = obj
    names = {"year": report.year, "county": report.county.name}
    if transition.target == ReportStatus.RETURNED:
        title = _("The %(year)s report of %(county)s was returned") % names
    elif transition.target == ReportStatus.APPROVED:
        title = _("The %(year)s report of %(county)s was approved") % names
    else:
        return
    step = report.transitions.order_by("-pk").values_list("pk", flat=True).first()
    notify_users(
        county_users(report.county_id),
        title=title,
        body=comment or "",
        url=reverse("indicators:report_detail", kwargs={"code": report.county.code, "year": report.year}),
        kind=f"report_{transition.target}",
        key=f"report:{report.pk}:{transition.target}:{report.version}:{step or 0}",
    )
