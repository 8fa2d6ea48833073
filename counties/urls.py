from django.urls import path

from . import views

app_name = "counties"

urlpatterns = [
    path("", views.county_list_view, name="list"),
    path("designate/", views.designate, name="designate"),
    path("<str:code>/pilot/", views.pilot_edit, name="pilot_edit"),
    path("<str:code>/", views.county_detail, name="detail"),
]
