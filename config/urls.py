"""URL configuration."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from counties.views import home

from . import health, views

admin.site.site_header = _("IP strong-county pilot portal administration")
admin.site.site_title = _("IP pilot portal")
admin.site.index_title = _("Administration")


class LoginView(auth_views.LoginView):
    """Django's login page, offering password reset when it is configured."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "password_reset_by_email": settings.PASSWORD_RESET_BY_EMAIL,
        }


def reset_by_email(view_class):
    """Django's password-reset view, answering 404 unless password reset by e-mail is configured."""
    view = view_class.as_view()

    def gated(request, *args, **kwargs):
        if not settings.PASSWORD_RESET_BY_EMAIL:
            raise Http404
        return view(request, *args, **kwargs)

    gated.view_class = view_class
    return gated


urlpatterns = [
    path("", home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Password reset by e-mail: only when EMAIL_URL is set (otherwise 404; an administrator runs
    # `manage.py changepassword NAME`).
    path("password/reset/", reset_by_email(auth_views.PasswordResetView), name="password_reset"),
    path(
        "password/reset/sent/", reset_by_email(auth_views.PasswordResetDoneView), name="password_reset_done"
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        reset_by_email(auth_views.PasswordResetConfirmView),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        reset_by_email(auth_views.PasswordResetCompleteView),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("counties/", include("counties.urls")),
    path("data/", include("indicators.urls")),
    path("training/", include("training.urls")),
    path("funding/", include("funding.urls")),
    path("inspections/", include("inspections.urls")),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
