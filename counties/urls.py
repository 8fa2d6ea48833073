from django.urls import path

from . import views

app_name = "counties"

urlpatterns = [
    path("", views.county_list_view, name="list"),
    path("designate/", views.designate, name="designate"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("<str:code>/pilot/", views.pilot_edit, name="pilot_edit"),
    path("<str:code>/", views.county_detail, name="detail"),
]
