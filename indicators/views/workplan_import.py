"""The page equivalent of ``import_tasks``: upload the tasks template, check only or land it (all or nothing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from config.excel.forms import ExcelUploadForm
from counties.scoping import changeable_counties

from .. import selectors
from ..workplan_importing import import_tasks


@login_required
def task_import(request):
    if not changeable_counties(request.user).exists():
        raise PermissionDenied
    form = ExcelUploadForm(request.POST or None, request.FILES or None)
    result = None
    dry_run = request.method == "POST" and request.POST.get("dry_run") == "1"
    if request.method == "POST" and form.is_valid():
        result = import_tasks(
            request.user, form.cleaned_data["data"], file_name=form.cleaned_data["file_name"], dry_run=dry_run
        )
        if result.ok and not dry_run:
            messages.success(
                request,
                _("Import complete: %(created)s tasks added, %(changed)s changed, %(unchanged)s unchanged.")
                % {"created": result.created, "changed": result.changed, "unchanged": result.unchanged},
            )
            return redirect("indicators:task_import")
    context = {"form": form, "result": result, "dry_run": dry_run, "year": selectors.current_year()}
    return render(request, "indicators/workplan/import.html", context)


urlpatterns = [path("tasks/import/", task_import, name="task_import")]
