"""URLs of the indicators app: each views module contributes its own ``urlpatterns``."""

from .views import assessment, dashboards, deadlines, excel, reports

app_name = "indicators"

urlpatterns = [
    *reports.urlpatterns,
    *dashboards.urlpatterns,
    *excel.urlpatterns,
    *assessment.urlpatterns,
    *deadlines.urlpatterns,
]
