"""URLs of the inspections app."""

from django.urls import path

from . import import_views, views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/edit/", views.inspection_update, name="inspection_update"),
    path("<int:pk>/files/", views.inspection_file_upload, name="inspection_file_upload"),
    path("<int:pk>/findings/", views.inspection_finding_add, name="inspection_finding_add"),
    path("files/<int:pk>/", views.inspection_file_download, name="inspection_file_download"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", views.finding_update, name="finding_update"),
    path("findings/<int:pk>/answer/", views.finding_answer, name="finding_answer"),
    path("findings/<int:pk>/step/", views.finding_step, name="finding_step"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    *import_views.PAGES.urls("findings/import/"),
]
