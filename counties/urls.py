from django.urls import path

from . import views

app_name = "counties"

urlpatterns = [
    path("", views.county_list_view, name="list"),
    path("<str:code>/", views.county_detail, name="detail"),
]
