"""The 填报说明 page: how to report, field by field (every role may read it)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from .. import guidance, selectors


@login_required
def help_page(request):
    guides = {g.element.code: g for g in guidance.guides()}
    groups = [
        {"title": group.title, "guides": [guides[e.code] for e in group.elements]}
        for group in selectors.group_elements([g.element for g in guides.values()])
    ]
    context = {"groups": groups, "warning_percent": guidance.change_warning_percent()}
    return render(request, "indicators/help/help.html", context)


urlpatterns = [path("help/", help_page, name="help")]
