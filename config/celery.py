"""The Celery application: one app for the worker and the scheduler (celery beat)."""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("springplank")
# Settings prefixed CELERY_ in config/settings.py configure the app, the beat schedule included.
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery's Django fixup closes the database connection around every task unless told to reuse
# it; reconnecting costs more than a whole 304 poll. Reuse it, and let Django's own rules
# (CONN_MAX_AGE, health checks) decide when to close, as it does between web requests.
app.conf.CELERY_DB_REUSE_MAX = 1_000_000
app.autodiscover_tasks()


@task_prerun.connect
def _close_old_connections(**kwargs: object) -> None:
    from django.db import close_old_connections

    close_old_connections()
