"""URLs of the training app."""

from django.urls import path

from . import import_views, views

app_name = "training"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("new/", views.event_create, name="event_create"),
    path("progress/", views.progress, name="progress"),
    *import_views.EVENTS.urls("import/"),
    path("import/template.xlsx", views.event_template, name="event_template"),
    path("attendees/template.xlsx", views.attendee_template, name="attendee_template"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/edit/", views.event_update, name="event_update"),
    path("<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    *import_views.ATTENDEES.urls("<int:pk>/attendees/"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
