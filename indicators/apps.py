from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Annual data and indicators")

    def ready(self):
        from config.workflow import transitioned

        from .notifications import notify_report_reviewed

        transitioned.connect(notify_report_reviewed, dispatch_uid="indicators.notify_report_reviewed")
