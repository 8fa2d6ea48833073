from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Annual data and indicators")

    def ready(self):
        from . import receivers  # noqa: F401, PLC0415 - connects the receivers (Django's documented place)
