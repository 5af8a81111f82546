"""A Celery worker keeps its database connection from task to task (shop/task_connections.py),
where Celery's Django fix-up alone opened a new one for every task, and still replaces one that
died. The fix-up is installed here as the worker installs it; tasks are run through the same
signals a worker sends around each task."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from celery import signals
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from shop.celery import app
from shop.rpc import connection_hygiene

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TASK = "checkout.tasks.order_completed"


@pytest.fixture
def worker_fixup():
    fixup = DjangoWorkerFixup(app).install()
    yield fixup
    signals.task_prerun.disconnect(fixup.on_task_prerun)
    signals.task_postrun.disconnect(fixup.on_task_postrun)
    signals.worker_process_init.disconnect(fixup.on_worker_process_init)
    signals.beat_embedded_init.disconnect(fixup.close_database)


def run_task() -> int:
    """One task's life in a worker: its signals around a query; the backend that answered."""
    task, task_id = app.tasks[TASK], str(uuid.uuid4())
    signals.task_prerun.send(sender=task, task_id=task_id, task=task, args=(), kwargs={})
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    signals.task_postrun.send(sender=task, task_id=task_id, task=task, args=(), kwargs={})
    return backend


def test_the_tasks_of_a_worker_share_one_connection(worker_fixup):
    assert len({run_task() for _ in range(5)}) == 1


def test_a_connection_that_died_between_tasks_is_replaced(worker_fixup, monkeypatch):
    monkeypatch.setattr(connection_hygiene, "PROBE_SECONDS", 0.0)  # every task probes
    first = run_task()
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (first,))
    second = run_task()
    assert second != first
    assert run_task() == second
