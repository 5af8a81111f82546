"""Celery metrics: every task run counted by name and outcome and timed (signals, so eager runs
in the web count too), and the worker's metrics port (WORKER_METRICS_PORT). `connect()` is
called once by shop/celery.py."""

from __future__ import annotations

import os
import time

from celery import signals
from django.conf import settings

from shop.observability.metrics import (
    CELERY_TASK_DURATION,
    CELERY_TASKS,
    mark_process_dead,
    serve,
)

# task id -> when it started; a task runs in one process and thread from prerun to postrun.
_started: dict[str, float] = {}


def _task_started(task_id: str, **_: object) -> None:
    _started[task_id] = time.perf_counter()


def _task_finished(task_id: str, task, state: str | None = None, **_: object) -> None:
    started = _started.pop(task_id, None)
    CELERY_TASKS.labels(task.name, (state or "unknown").lower()).inc()
    if started is not None:
        CELERY_TASK_DURATION.labels(task.name).observe(time.perf_counter() - started)


def _worker_starting(**_: object) -> None:
    # Before the pool forks its children: a prefork worker's children write to the multiprocess
    # directory (PROMETHEUS_MULTIPROC_DIR) and this server adds them up.
    if settings.WORKER_METRICS_PORT:
        serve(settings.WORKER_METRICS_PORT, settings.METRICS_HOST)


def _child_stopping(**_: object) -> None:
    mark_process_dead(os.getpid())


def connect() -> None:
    signals.task_prerun.connect(_task_started, weak=False)
    signals.task_postrun.connect(_task_finished, weak=False)
    signals.worker_init.connect(_worker_starting, weak=False)
    signals.worker_process_shutdown.connect(_child_stopping, weak=False)
