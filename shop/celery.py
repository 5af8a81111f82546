"""The Celery application. Tasks live in each service app's tasks.py."""

import os

from celery import Celery

from shop.observability.celery_probes import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The file the worker's liveness probe reads (Kubernetes: deploy/k8s/base/celery-worker.yaml).
app.steps["worker"].add(WorkerHeartbeat)
