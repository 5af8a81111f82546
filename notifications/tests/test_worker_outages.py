"""A running Celery worker through a restart of its broker (Redis) and a stop and start of
PostgreSQL: it never exits, it retries what the outage interrupted, and every paid order gets
exactly one confirmation e-mail at a real SMTP server.

The broker keeps its data across the restart (append-only file), as a production Redis does;
PostgreSQL is this test run's own cluster (the postgres pass runs one test at a time)."""

from __future__ import annotations

import urllib.request

import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from checkout.models import Order
from checkout.services import ORDER_COMPLETED_TASK
from notifications import services
from notifications.models import EmailMessage
from shop.tasks import enqueue
from testing.fixtures import queueing_on
from testing.servers import RedisServer, free_port

from .test_worker import Worker, place, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.stops_postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def broker():
    """A broker of this test's own, restarted by it; this process queues tasks there."""
    server = RedisServer(appendonly=True)
    with queueing_on(server.url):
        yield server
    server.stop()


def task_runs(metrics_port: int, task: str, outcome: str) -> float:
    """How often the worker ran `task` to `outcome` (its Prometheus counter), 0 when it does not
    answer yet."""
    url = f"http://127.0.0.1:{metrics_port}/metrics"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return 0.0
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "boutique_celery_tasks_total"
        and sample.labels == {"task": task, "outcome": outcome}
    )


def test_one_email_per_paid_order_across_broker_and_database_restarts(
    fakes, address, card, smtp_server, broker, postgres, monkeypatch
):
    inbox, smtp_port = smtp_server
    metrics_port = free_port()
    monkeypatch.setenv("WORKER_METRICS_PORT", str(metrics_port))  # the worker's own /metrics
    worker = Worker(broker.url, smtp_port)
    try:
        orders = []

        def order() -> str:
            fakes.cart.add_item("visitor", "OLJCESPC7Z", 1)
            orders.append(place(address, card).order_id)
            return orders[-1]

        order()
        inbox.wait_for(1, timeout=120)

        # The broker restarts under the running worker, which reconnects by itself.
        broker.halt()
        broker.start()
        order()
        inbox.wait_for(2, timeout=120)
        assert worker.process.poll() is None

        # An order paid while the broker is down: its task waits in this process and is
        # published when the broker is back (shop/publish_later.py). Queued once more here while
        # PostgreSQL is down under the worker, it must be retried, not dropped; idempotent, the
        # two tasks make one e-mail.
        broker.halt()
        stranded = order()
        broker.start()
        postgres.halt()
        try:
            enqueue(ORDER_COMPLETED_TASK, stranded)
            # The worker met the outage and scheduled a retry instead of dropping the task.
            wait_until(lambda: task_runs(metrics_port, ORDER_COMPLETED_TASK, "retry") >= 1, 120)
        finally:
            postgres.start()
        connection.close()  # this process's connection died with the server
        inbox.wait_for(3, timeout=180)
        assert worker.process.poll() is None

        # Redeliveries and retries are done once a sentinel queued behind them has arrived.
        services.order_confirmation_send(email="sentinel@example.com", order=_sample())
        messages = inbox.wait_for(4, timeout=120)
        subjects = [m["Subject"] for m in messages if m["To"] == "ada@example.com"]
        for order_id in orders:
            assert sum(order_id in subject for subject in subjects) == 1, order_id
        assert len(subjects) == 3
        assert set(EmailMessage.objects.values_list("status", flat=True)) == {"sent"}
        wait_until(lambda: not Order.objects.filter(completed_at__isnull=True).exists(), 60)
    finally:
        worker.stop()


def _sample():
    from .conftest import sample_order

    return sample_order()
