"""The Celery application. Tasks live in each service app's tasks.py."""

import os

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown
from django.conf import settings

from shop.observability import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _trace_pool_process(**_) -> None:
    # In each process that runs tasks (after the prefork pool's fork; the solo pool sends it too).
    tracing.setup_tracing(settings.SERVICE_NAME or "worker")


@worker_process_shutdown.connect
def _flush_pool_process(**_) -> None:
    # A prefork pool process ends with os._exit, which skips the SDK's exit handler.
    tracing.flush()
