"""Security helpers: the Permissions-Policy header, the client address for login lockout, a translated
password-length rule."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.shortcuts import render
from django.utils.translation import ngettext


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (settings.PERMISSIONS_POLICY): the browser features the portal never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def client_ip(request) -> str | None:
    """The address login failures are counted by (django-axes).

    ``REMOTE_ADDR`` unless ``TRUST_X_FORWARDED_FOR`` is set; then the last address of ``X-Forwarded-For``, the
    one the reverse proxy appended (earlier ones come from the client and can be forged).
    """
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with our own messages (Django's current "too short" text has no Chinese translation)."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: it must contain at least %(min_length)d character.",
            "This password is too short: it must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


def lockout_response(request, original_response=None, credentials=None):
    """The page of a locked-out login (django-axes): HTTP 429, in the user's language, saying for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
