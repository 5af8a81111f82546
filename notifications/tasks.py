"""Celery tasks of the notifications service (thin: each calls one service function)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from shop.backoff import backoff_delay
from shop.task_retry import TRANSIENT_ERRORS, retry_later

from . import services
from .services import EMAIL_SEND_TASK

logger = logging.getLogger(__name__)


@shared_task(name=EMAIL_SEND_TASK, bind=True, acks_late=True, max_retries=None)
def email_send(self, message_id: int) -> None:
    """One delivery attempt; idempotent (a redelivered task never sends twice). The attempt
    count lives in the database, which decides when to give up (settings.EMAIL_MAX_ATTEMPTS).
    When the database itself does not answer, nothing was attempted: try again later."""
    try:
        if not services.email_deliver(message_id=message_id):
            return
    except TRANSIENT_ERRORS as exc:
        retry_later(self, exc, base=2.0, cap=600.0)
    if self.request.is_eager:
        # Embedded mode has no broker to wait on: the message stays queued for
        # emails_requeue_stale rather than blocking the customer's request with retries.
        logger.warning("E-mail %s stays queued for a later attempt", message_id)
        return
    base = getattr(settings, "EMAIL_RETRY_BASE_SECONDS", 30.0)
    raise self.retry(countdown=backoff_delay(self.request.retries, base, 3600.0))


@shared_task(acks_late=True)
def emails_requeue_stale() -> None:
    """Periodic: queues again the messages whose task was lost or whose last attempt failed,
    and measures the backlog for the metrics."""
    services.emails_backlog_measure()
    for message_id in services.emails_stale(
        older_than=timedelta(seconds=2 * settings.SWEEP_AFTER_SECONDS)
    ):
        email_send.delay(message_id)
