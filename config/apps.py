from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    """The shared kernel as an app, so that its signal receivers and periodic tasks are registered."""

    name = "config"
    label = "kernel"
    verbose_name = _("Shared kernel")

    def ready(self):
        from config.excel import staging  # noqa: F401 - connects the logout clean-up, registers the sweep task
