"""URLs of the funding app."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from . import import_views, views

app_name = "funding"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("gate/", views.gate_settings, name="gate_settings"),
    path("county/<str:code>/", views.ledger, name="ledger"),
    path("county/<str:code>/new/", views.entry_create, name="entry_create"),
    path("entry/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entry/<int:pk>/edit/", views.entry_update, name="entry_update"),
    path("entry/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("entry/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    *import_views.PAGES.urls("import/"),
    path("import/template/", login_required(import_views.template_download), name="template"),
]
