"""Celery tasks of the checkout service (thin: each calls one service function)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from shop.task_retry import TRANSIENT_ERRORS, retry_later

from . import post_order, recovery
from .services import ORDER_COMPLETED_TASK, ORDER_RECOVER_TASK

# With the backoff capped at 10 minutes, about 5 hours of outage before the task gives up; then
# orders_sweep queues the order again (every 5 minutes by default) until it is completed.
MAX_ATTEMPTS = 40


@shared_task(name=ORDER_COMPLETED_TASK, bind=True, acks_late=True, max_retries=MAX_ATTEMPTS - 1)
def order_completed(self, order_id: str) -> None:
    """Post-order work of a paid order (the confirmation e-mail, the purchase for recommendations).
    Queued on commit; idempotent, so a redelivery, a retry or a sweep re-run changes nothing.
    A service, the database or the broker not answering means: later (shop/task_retry.py)."""
    try:
        post_order.order_completed_process(order_id=order_id)
    except TRANSIENT_ERRORS as exc:
        retry_later(self, exc, base=2.0, cap=600.0)


@shared_task(name=ORDER_RECOVER_TASK, bind=True, acks_late=True, max_retries=MAX_ATTEMPTS - 1)
def order_recover(self, order_id: str) -> None:
    """Queued by the checkout itself, to run a minute later: resolves the order if its checkout
    died meanwhile (failed, charge voided, shipment cancelled); a finished order is left alone.
    The database or a service not answering (often why the checkout died) means: later."""
    try:
        recovery.order_pending_recover(order_id=order_id)
    except TRANSIENT_ERRORS as exc:
        retry_later(self, exc, base=2.0, cap=600.0)


@shared_task(acks_late=True)
def orders_sweep() -> None:
    """Periodic backstop of order_recover: finishes what a crash or a broker outage interrupted
    (an order whose own recovery task was lost)."""
    after = timedelta(seconds=settings.SWEEP_AFTER_SECONDS)
    recovery.orders_pending_recover(older_than=3 * after)
    for order_id in recovery.orders_incomplete(older_than=after):
        order_completed.delay(order_id)
