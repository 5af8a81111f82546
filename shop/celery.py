"""The Celery application. Tasks live in each service app's tasks.py."""

import os

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown
from django.conf import settings

from shop.observability import tracing
from shop.observability.celery_probes import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The file the worker's liveness probe reads (Kubernetes: deploy/k8s/base/celery-worker.yaml).
app.steps["worker"].add(WorkerHeartbeat)


@worker_process_init.connect
def _trace_pool_process(**_) -> None:
    # In each process that runs tasks (after the prefork pool's fork; the solo pool sends it too).
    tracing.setup_tracing(settings.SERVICE_NAME or "worker")


@worker_process_shutdown.connect
def _flush_pool_process(**_) -> None:
    # A prefork pool process ends with os._exit, which skips the SDK's exit handler.
    tracing.flush()
