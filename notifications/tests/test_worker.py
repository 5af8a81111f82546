"""A real Celery worker, on a real Redis broker, delivering to a real SMTP server.

The worker is `celery -A shop worker` in a subprocess sharing this test's PostgreSQL database
(hence the postgres pass and committed data: transactional tests).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection

from checkout.models import Order
from checkout.services import order_place
from notifications import services, tasks
from notifications.models import EmailMessage
from testing.fixtures import queueing_on
from testing.servers import free_port, wait_until

from .conftest import Inbox, sample_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker_url(redis_server):
    """This process queues tasks on a real Redis instead of running them eagerly."""
    url = redis_server.url.rsplit("/", 1)[0] + "/7"  # a database of its own
    redis.Redis.from_url(url).flushdb()
    with queueing_on(url):
        yield url


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Worker:
    def __init__(self, broker: str, smtp_port: int):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_RETRY_BASE_SECONDS": "0.2",
            "DEBUG": "false",
            "HTTPS_ONLY": "false",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "shop", "worker", "--pool", "solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)  # warm shutdown
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture
def start_worker(broker_url):
    workers: list[Worker] = []

    def start(smtp_port: int) -> Worker:
        workers.append(Worker(broker_url, smtp_port))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def place(address, card):
    return order_place(user_id="visitor", user_currency="EUR", address=address,
                       email="ada@example.com", credit_card=card)  # fmt: skip


def test_the_worker_delivers_the_confirmation_with_both_parts(
    fakes,
    address,
    card,
    smtp,
    start_worker,
):
    inbox, port = smtp
    start_worker(port)
    fakes.cart.add_item("visitor", "OLJCESPC7Z", 2)
    result = place(address, card)

    (received,) = inbox.wait_for(1)
    order = Order.objects.get()
    assert received["To"] == "ada@example.com" and result.order_id in received["Subject"]
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    for body in (text, html):
        assert result.order_id in body and result.shipping_tracking_id in body
        assert "Sunglasses" in body and "43,31\xa0€" in body
        assert f"/order/{order.id}?token={order.access_token}" in body
    wait_until(lambda: EmailMessage.objects.filter(status="sent").exists())
    wait_until(lambda: Order.objects.filter(completed_at__isnull=False).exists())


def test_an_order_placed_with_no_worker_is_confirmed_once_a_worker_starts(
    fakes,
    address,
    card,
    smtp,
    start_worker,
):
    inbox, port = smtp
    fakes.cart.add_item("visitor", "9SIQT8TOJO", 1)
    result = place(address, card)
    assert not EmailMessage.objects.exists() and inbox.messages == []  # waiting in Redis

    start_worker(port)
    inbox.wait_for(1)
    message = EmailMessage.objects.get(order_id=result.order_id)
    wait_until(lambda: EmailMessage.objects.get(pk=message.pk).status == "sent")

    # Redeliveries of both tasks, then a sentinel e-mail behind them in the same queue: once
    # the sentinel arrives, the redeliveries have run, and sent nothing.
    tasks.email_send.delay(message.pk)
    from checkout import tasks as checkout_tasks

    checkout_tasks.order_completed.delay(result.order_id)
    services.order_confirmation_send(email="sentinel@example.com", order=sample_order())
    messages = inbox.wait_for(2)
    assert [m["To"] for m in messages] == ["ada@example.com", "sentinel@example.com"]
    assert EmailMessage.objects.get(pk=message.pk).attempts == 1


def test_the_worker_retries_until_the_smtp_server_answers(start_worker, catalog):
    port = free_port()  # nothing listens there yet
    start_worker(port)
    message = services.order_confirmation_send(email="ada@example.com", order=sample_order())
    # An attempt is counted when the worker claims the message, its error recorded after the
    # SMTP connection fails: wait for the error, not for the count.
    wait_until(lambda: EmailMessage.objects.get(pk=message.pk).last_error)
    failed = EmailMessage.objects.get(pk=message.pk)
    assert failed.attempts >= 1 and "refused" in failed.last_error.lower()

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        inbox.wait_for(1)
        wait_until(lambda: EmailMessage.objects.get(pk=message.pk).status == "sent")
        assert EmailMessage.objects.get(pk=message.pk).attempts >= 2
    finally:
        controller.stop()
