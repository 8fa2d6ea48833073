"""Views: dashboards."""

urlpatterns = []
