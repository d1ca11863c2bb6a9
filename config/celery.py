"""The Celery application: one app for the worker and the scheduler (celery beat)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("springplank")
# Settings prefixed CELERY_ in config/settings.py configure the app, the beat schedule included.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
