"""Notifications of the finding workflow, sent once each step is committed (``config.workflow.transitioned``):
an answer tells the regional office a rectification waits for verification; a close or a return tells the
county's users."""

from django.utils.translation import gettext as _

from counties.notifications import county_users, notify_users, region_users

from .models import FindingStatus
from .services import finding_url


def notify_finding_step(sender, obj=None, transition=None, user=None, comment="", **kwargs):
    if sender != "finding" or obj is None or transition is None:
        return
    finding = obj
    county = finding.inspection.county
    names = {"county": county.name, "text": finding.description[:40]}
    if transition.target == FindingStatus.ANSWERED:
        users, title = region_users(), _("%(county)s submitted a rectification: %(text)s") % names
    elif transition.target == FindingStatus.CLOSED:
        users, title = county_users(county.pk), _("Finding closed: %(text)s") % names
    elif transition.target == FindingStatus.OPEN:
        users, title = county_users(county.pk), _("Rectification returned: %(text)s") % names
    else:
        return
    notify_users(
        users,
        title=title,
        body=comment or "",
        url=finding_url(finding),
        kind=f"finding_{transition.action}",
        key=f"finding:{finding.pk}:step:{finding.version}",
    )
