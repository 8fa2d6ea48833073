"""Views: excel."""

urlpatterns = []
