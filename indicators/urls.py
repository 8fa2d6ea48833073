"""URLs of the indicators app: each views module contributes its own ``urlpatterns``."""

from .views import (
    acceptance_rules,
    assessment,
    dashboards,
    deadlines,
    excel,
    guide,
    reports,
    workplan,
    workplan_import,
)

app_name = "indicators"

urlpatterns = [
    *reports.urlpatterns,
    *dashboards.urlpatterns,
    *excel.urlpatterns,
    *assessment.urlpatterns,
    *guide.urlpatterns,
    *deadlines.urlpatterns,
    *workplan.urlpatterns,
    *workplan_import.urlpatterns,
    *acceptance_rules.urlpatterns,
]
