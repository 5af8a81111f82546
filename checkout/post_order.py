"""The work that follows a paid order, run by a Celery task after the order commits: the
confirmation e-mail and telling the recommendations service what was bought; and the
confirmation again when staff ask for it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from notifications.client import email_client
from recommendations.client import recommendation_client
from shop.statements import row_update

from .errors import InvalidTransition
from .models import Order
from .selectors import SOLD, order_get, order_result, order_url


def order_completed_process(*, order_id: str) -> None:
    """Asks the Email service for the confirmation (idempotent there, one per order id) and
    tells the recommendations service what was bought (idempotent there too). Safe to run again;
    until it has run to the end, `completed_at` stays empty and orders_sweep runs it again."""
    order = order_get(order_id=order_id)
    if order.status not in SOLD:
        return
    email_client().send_order_confirmation(
        order.email, order_result(order), order_url=order_url(order)
    )
    product_ids = sorted({line.product_id for line in order.lines.all()})
    transaction.on_commit(lambda: recommendation_client().record_purchase(order_id, product_ids))
    if order.completed_at is None:
        # The ORM's update() without composing a QuerySet: the same statement (shop/statements.py).
        row_update(Order, order.pk, {"completed_at": timezone.now()})


def confirmation_resend(*, order_id: str) -> Order:
    """Staff sends the order's confirmation e-mail again (the customer lost it, or it failed).
    Only a sale has one to send: a refunded order's would confirm what no longer stands."""
    order = order_get(order_id=order_id)
    if order.status not in SOLD:
        raise InvalidTransition(
            f"This order is {order.status}, so there is no confirmation to send: only paid, "
            "shipped and delivered orders have one."
        )
    email_client().resend_order_confirmation(
        order.email, order_result(order), order_url=order_url(order)
    )
    return order
