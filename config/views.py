"""Project-level views: the favicon (the health check is ``config.health.healthz``; the role-dependent home page
is ``counties.views.home``)."""

from django.shortcuts import redirect
from django.templatetags.static import static


def favicon(request):
    return redirect(static("favicon.svg"), permanent=True)
