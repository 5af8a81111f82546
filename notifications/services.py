"""Operations of the notifications service: all its business rules live here.

Delivery is at-least-once with a guard that makes it once in practice: a message is claimed
(`sending`, with a lease) in a short transaction under SELECT ... FOR UPDATE, sent with no lock
held, and marked `sent` once the SMTP server has accepted it. A redelivered task finds it sent (or
claimed) and sends nothing. Only a crash between the SMTP server's acceptance and the `sent` mark
can repeat a message; its stable Message-ID lets mail clients fold the duplicate.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from catalog.client import catalog_client
from shop import dto, links
from shop.errors import InvalidArgument, ShopError
from shop.money import money_sum
from shop.observability.metrics import EMAIL_BACKLOG, EMAILS
from shop.statements import row_update
from shop.tasks import enqueue

from .errors import EmailNotFound
from .models import EmailMessage

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 6
SEND_LEASE = timedelta(minutes=2)
# One delivery attempt (notifications/tasks.py), queued by this name; the name is the one the task
# always had, so messages already queued still find it.
EMAIL_SEND_TASK = "notifications.tasks.email_send"


def order_confirmation_send(
    *, email: str, order: dto.OrderResult, order_url: str | None = None
) -> EmailMessage:
    """Records the order's confirmation (one per order id) and queues its delivery on commit.
    Asking again for the same order returns the message already recorded."""
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidArgument(
            f"{email!r} is not a valid e-mail address.",
            fields={"email": ["Enter a valid e-mail address."]},
        ) from exc
    if not order.order_id.strip():
        raise InvalidArgument("The order has no id.", fields={"order_id": ["Required."]})
    key = f"order-confirmation:{order.order_id}"
    existing = EmailMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    context = _order_context(order, order_url)
    return _message_record(
        key=key,
        recipient=email,
        subject=f"Your Boutique order {order.order_id} is confirmed",
        body_text=render_to_string("notifications/order_confirmation.txt", context),
        body_html=render_to_string("notifications/order_confirmation.html", context),
        order_id=order.order_id,
    )


def order_confirmation_resend(
    *, email: str, order: dto.OrderResult, order_url: str | None = None
) -> EmailMessage:
    """Staff asks for the order's confirmation again: the recorded message goes out again (even
    one already sent, with what it said then); an order whose confirmation was never recorded
    gets it now, once."""
    key = f"order-confirmation:{order.order_id}"
    existing = EmailMessage.objects.filter(idempotency_key=key).values_list("pk", flat=True)
    if existing:
        return email_resend(message_id=existing[0])
    return order_confirmation_send(email=email, order=order, order_url=order_url)


def _order_context(order: dto.OrderResult, order_url: str | None) -> dict:
    names = _product_names([line.item.product_id for line in order.items])
    lines = [
        {
            "name": names.get(line.item.product_id, line.item.product_id),
            "product_id": line.item.product_id,
            "quantity": line.item.quantity,
            "unit_price": line.cost.format(),
            "cost": (line.cost * line.item.quantity).format(),
        }
        for line in order.items
    ]
    currency = order.shipping_cost.currency
    subtotal = money_sum([line.cost * line.item.quantity for line in order.items], currency)
    return {
        "order": order,
        "lines": lines,
        "address": order.shipping_address,
        "shipping": order.shipping_cost.format(),
        "total": (subtotal + order.shipping_cost).format(),
        # Without the order's own link (the original protocol has none), the shop's home page.
        "order_url": order_url or links.absolute_url("/"),
    }


def _product_names(product_ids: list[str]) -> dict[str, str]:
    """Product names for the e-mail; an id that is gone from the catalog shows as the id."""
    try:
        products = catalog_client().get_products(product_ids)
    except ShopError:
        return {}
    return {product_id: product.name for product_id, product in products.items()}


def _message_record(*, key: str, **fields) -> EmailMessage:
    """Records the message of `key` and queues its delivery, or returns the one a concurrent
    request recorded first (the key is unique). The caller has just looked for it, so no second
    look as get_or_create makes: the insert (in a transaction of its own, or a savepoint inside
    the caller's) is the check, three statements fewer per confirmation."""
    try:
        with transaction.atomic():
            message = EmailMessage.objects.create(idempotency_key=key, **fields)
            _queue_delivery(message.pk)
    except IntegrityError:
        return EmailMessage.objects.get(idempotency_key=key)
    return message


def _queue_delivery(message_id: int) -> None:
    transaction.on_commit(lambda: enqueue(EMAIL_SEND_TASK, message_id), robust=True)


@transaction.atomic
def email_resend(*, message_id: int) -> EmailMessage:
    """Staff asks for a message to go out again (even one already sent)."""
    message = EmailMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise EmailNotFound()
    message.status = EmailMessage.Status.QUEUED
    message.attempts = 0
    message.lease_until = None
    message.save(update_fields=["status", "attempts", "lease_until", "updated_at"])
    _queue_delivery(message.pk)
    return message


@transaction.atomic
def _email_claim(*, message_id: int) -> EmailMessage | None:
    """Marks the message `sending` if it is due; None when it is sent, failed, or being sent."""
    message = EmailMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None or message.status in (EmailMessage.Status.SENT, EmailMessage.Status.FAILED):
        return None
    now = timezone.now()
    if message.status == EmailMessage.Status.SENDING and message.lease_until > now:
        return None
    message.status = EmailMessage.Status.SENDING
    message.attempts += 1
    message.lease_until = now + SEND_LEASE
    message.save(update_fields=["status", "attempts", "lease_until", "updated_at"])
    return message


def email_deliver(*, message_id: int) -> bool:
    """One delivery attempt. Returns True when the message needs another attempt later."""
    message = _email_claim(message_id=message_id)
    if message is None:
        return False
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.recipient],
        headers={"Message-ID": f"<email-{message.pk}@boutique>"},
    )
    email.attach_alternative(message.body_html, "text/html")
    try:
        email.send()
    except Exception as exc:
        logger.warning("E-mail %s attempt %s failed: %r", message.pk, message.attempts, exc)
        give_up = message.attempts >= getattr(settings, "EMAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)
        status = EmailMessage.Status.FAILED if give_up else EmailMessage.Status.QUEUED
        EmailMessage.objects.filter(pk=message.pk).update(
            status=status, last_error=repr(exc)[:2000], lease_until=None, updated_at=timezone.now()
        )
        EMAILS.labels("failed" if give_up else "retried").inc()
        return not give_up
    # update() without composing a QuerySet: the same statement, once per e-mail sent.
    now = timezone.now()
    row_update(EmailMessage, message.pk, {"status": EmailMessage.Status.SENT, "sent_at": now,
                                          "last_error": "", "lease_until": None,
                                          "updated_at": now})  # fmt: skip
    EMAILS.labels("sent").inc()
    return False


def emails_stale(*, older_than: timedelta) -> list[int]:
    """Ids of messages still queued (their task lost, e.g. the broker was down at commit) or
    whose sender's lease ran out."""
    now = timezone.now()
    queued = EmailMessage.objects.filter(
        status=EmailMessage.Status.QUEUED, updated_at__lt=now - older_than
    )
    abandoned = EmailMessage.objects.filter(status=EmailMessage.Status.SENDING, lease_until__lt=now)
    return list((queued | abandoned).values_list("pk", flat=True))


def emails_backlog_measure() -> int:
    """How many messages wait to be sent (queued or being sent), also set as EMAIL_BACKLOG."""
    waiting = EmailMessage.objects.filter(
        status__in=(EmailMessage.Status.QUEUED, EmailMessage.Status.SENDING)
    ).count()
    EMAIL_BACKLOG.set(waiting)
    return waiting
