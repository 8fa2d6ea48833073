"""URLs of the indicators app: each views module contributes its own ``urlpatterns``."""

from .views import assessment, dashboards, excel, guide, reports

app_name = "indicators"

urlpatterns = [
    *reports.urlpatterns,
    *dashboards.urlpatterns,
    *excel.urlpatterns,
    *assessment.urlpatterns,
    *guide.urlpatterns,
]
