"""Views: the reporting deadline of each year (the regional office edits them)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from config.access import require_region
from config.errors import PortalError, message_for

from .. import selectors
from ..deadlines import deadlines_for, set_deadline
from ..models import ReportingDeadline, default_deadline


@login_required
def deadlines(request):
    require_region(request.user)
    if request.method == "POST":
        try:
            year = int(request.POST.get("year", ""))
            deadline = datetime.date.fromisoformat(request.POST.get("deadline", ""))
        except ValueError:
            messages.error(request, _("Enter a year and a date (YYYY-MM-DD)."))
        else:
            try:
                set_deadline(user=request.user, year=year, deadline=deadline)
            except PortalError as exc:
                messages.error(request, message_for(exc))
            else:
                messages.success(
                    request,
                    _("The %(year)s reports are now due by %(deadline)s.")
                    % {"year": year, "deadline": f"{deadline:%Y-%m-%d}"},
                )
        return redirect("indicators:deadlines")
    years = selectors.report_years_span()
    stored = {
        row.year: row for row in ReportingDeadline.objects.filter(year__in=years).select_related("updated_by")
    }
    rows = [
        {"year": year, "deadline": deadline, "default": default_deadline(year), "row": stored.get(year)}
        for year, deadline in deadlines_for(years).items()
    ]
    return render(request, "indicators/reports/deadlines.html", {"rows": rows})


urlpatterns = [path("deadlines/", deadlines, name="deadlines")]
