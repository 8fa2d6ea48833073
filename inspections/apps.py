from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and rectification")

    def ready(self):
        from config.workflow import transitioned

        from .notifications import notify_finding_step

        transitioned.connect(notify_finding_step, dispatch_uid="inspections.notify_finding_step")
