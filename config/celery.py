"""The Celery application.

With ``REDIS_URL`` set, Redis is the broker and result backend and tasks run on workers.
Without it tasks run in-process (eagerly), the embedded default for development and demos.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
