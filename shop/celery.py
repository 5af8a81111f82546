"""The Celery application. Tasks live in each service app's tasks.py."""

import os

from celery import Celery

from shop.observability import metrics_celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Task metrics in every process (eager runs in the web too) and the worker's metrics port.
metrics_celery.connect()
