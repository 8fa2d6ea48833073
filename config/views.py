"""Project-level views: the favicon and the error pages (the health check is ``config.health.healthz``; the
role-dependent home page is ``counties.views.home``)."""

import logging

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)


def favicon(request):
    return redirect(static("favicon.svg"), permanent=True)


# --- Error pages: in the portal's layout, with its navigation and a way back ------------------------------

ERROR_TEXTS = {
    400: (
        gettext_lazy("Bad request"),
        gettext_lazy("The portal could not understand this request. Go back and try again."),
    ),
    403: (
        gettext_lazy("Access denied"),
        gettext_lazy(
            "Your role does not allow this page or action. If you need it for your work, ask the regional "
            "IP office to change your account."
        ),
    ),
    404: (
        gettext_lazy("Page not found"),
        gettext_lazy(
            "This page does not exist, or it belongs to a county or league you do not have access to. "
            "Check the address, or start again from the home page."
        ),
    ),
    500: (
        gettext_lazy("Something went wrong"),
        gettext_lazy(
            "The portal could not complete this request; nothing was half-saved. The error has been logged. "
            "Please try again in a moment, and tell the regional IP office if it happens again."
        ),
    ),
}


def error_page(request, status: int):
    title, text = ERROR_TEXTS[status]
    context = {"status": status, "error_title": title, "error_text": text}
    try:
        return render(request, "error.html", context, status=status)
    except Exception:  # noqa: BLE001 - the layout itself failed (database down?): answer plainly
        logger.exception("error page %s could not be rendered in the layout", status)
        body = f"<!DOCTYPE html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(text)}</p>"
        return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    return error_page(request, 403)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    return error_page(request, 500)
