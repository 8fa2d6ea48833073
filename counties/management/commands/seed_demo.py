"""Seed demo data: each app's ``demo.seed(stdout)`` in INSTALLED_APPS order. Idempotent."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from counties.cli import OutageMixin


class Command(OutageMixin, BaseCommand):
    help = "Create demo pilots, users (one per role, passwords printed) and several years of synthetic data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="where the portal is served (printed at the end)"
        )

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            with transaction.atomic():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {options['url']}"))
