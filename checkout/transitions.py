"""An order's life after checkout: the statuses it may move between, and the staff actions that
move it (mark shipped or delivered, cancel an interrupted checkout, refund)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payments.client import payment_client
from shop.errors import InvalidArgument, PreconditionFailed, ServiceUnavailable

from . import sales
from .compensation import order_compensate
from .errors import CheckoutInProgress, InvalidTransition, OrderNotFound
from .models import Order

TRANSITIONS: dict[str, set[str]] = {
    Order.Status.PENDING: {Order.Status.PAID, Order.Status.FAILED, Order.Status.CANCELLED},
    # A paid order has its charge and its shipment: giving the money back is a refund.
    Order.Status.PAID: {Order.Status.SHIPPED, Order.Status.REFUNDED},
    Order.Status.SHIPPED: {Order.Status.DELIVERED, Order.Status.REFUNDED},
    Order.Status.DELIVERED: {Order.Status.REFUNDED},
    Order.Status.FAILED: set(),
    Order.Status.CANCELLED: set(),
    Order.Status.REFUNDED: set(),
}
# A checkout's calls (charge, ship) each run under a deadline with bounded retries: an order
# pending for longer is no longer being worked on, and staff may cancel it without racing it.
CANCEL_PENDING_AFTER = timedelta(minutes=2)

_NEXT_HINT = {
    Order.Status.PENDING: "it can only be cancelled",
    Order.Status.PAID: "it can be marked shipped or refunded",
    Order.Status.SHIPPED: "it can be marked delivered or refunded",
    Order.Status.DELIVERED: "it can only be refunded",
}


def transition_check(*, order: Order, to: str) -> None:
    """Raises InvalidTransition, saying what the order may become instead, unless it may
    become `to`."""
    if to not in TRANSITIONS[order.status]:
        hint = _NEXT_HINT.get(order.status, "its status is final")
        raise InvalidTransition(f"This order is {order.status}, so it cannot become {to}: {hint}.")


def transition_apply(*, order: Order, to: str) -> None:
    """Sets the new status on the (locked) order and counts it in the sales ledger, in the
    caller's transaction; the caller saves the order. A failure's kind and charge id are set
    before (the ledger counts declined cards)."""
    transition_check(order=order, to=to)
    was, order.status = order.status, to
    sales.status_changed(order, was=was)


def _order_locked(order_id: str) -> Order:
    try:
        order = Order.objects.select_for_update().filter(pk=order_id).first()
    except (ValidationError, ValueError):
        order = None
    if order is None:
        raise OrderNotFound()
    return order


def tracking_id_clean(tracking_id: str) -> str:
    """The tracking id staff type when shipping: the carrier's, shown to the customer."""
    cleaned = tracking_id.strip()
    limit = Order._meta.get_field("tracking_id").max_length
    if not cleaned or len(cleaned) > limit or not cleaned.isprintable():
        message = f"Enter the parcel's tracking id (1 to {limit} printable characters)."
        raise InvalidArgument(message, fields={"tracking_id": [message]})
    return cleaned


@transaction.atomic
def order_transition(*, order_id: str, to: str, tracking_id: str | None = None) -> Order:
    """Staff moves an order along its life where no money moves: shipped, delivered.
    Cancelling and refunding move money; they are order_cancel and order_refund.

    tracking_id (shipping only): the id the parcel travels under, when the carrier's differs
    from the one the shipping service gave at checkout; None keeps the order's."""
    if to not in (Order.Status.SHIPPED, Order.Status.DELIVERED):
        raise InvalidTransition(f"An order cannot be set to {to} directly.")
    if tracking_id is not None and to != Order.Status.SHIPPED:
        raise InvalidArgument("A tracking id is given when an order ships, not otherwise.")
    cleaned = None if tracking_id is None else tracking_id_clean(tracking_id)
    order = _order_locked(order_id)
    transition_apply(order=order, to=to)
    if cleaned is not None:
        order.tracking_id = cleaned
    order.save(update_fields=["status", "tracking_id", "updated_at"])
    return order


def order_cancel(*, order_id: str) -> Order:
    """Staff cancels an order whose checkout was interrupted (left pending). A charge it
    recorded is voided and its shipment cancelled, so no money stays taken for a cancelled order;
    what could not be undone flags the order (compensation.py) and is raised."""
    with transaction.atomic():
        order = _order_locked(order_id)
        transition_apply(order=order, to=Order.Status.CANCELLED)
        if timezone.now() - order.updated_at < CANCEL_PENDING_AFTER:
            raise CheckoutInProgress(
                "This order's checkout may still be running: it can be cancelled once it has "
                f"been pending for {CANCEL_PENDING_AFTER.seconds // 60} minutes."
            )
        order.failure_reason = "Cancelled by staff."
        order.save(update_fields=["status", "failure_reason", "updated_at"])
    # Cancelled first, then undone (no lock held across the calls): a checkout that wakes up
    # now can no longer mark the order paid.
    # Without a charge id the checkout may have died between the charge and recording it.
    undone = order_compensate(
        order=order, charge_id=order.charge_id, cancel_shipment=True, charge_unknown=True
    )
    if undone.staff_notes:
        raise ServiceUnavailable("The order is cancelled, but " + " ".join(undone.staff_notes))
    return order


def order_refund(*, order_id: str) -> Order:
    """Staff gives the money of a paid, shipped or delivered order back, through the payment
    service (which refunds a refunded charge again without effect, so this may be retried)."""
    with transaction.atomic():
        order = _order_locked(order_id)
        transition_check(order=order, to=Order.Status.REFUNDED)
        charge_id = order.charge_id
    if not charge_id:
        raise PreconditionFailed(
            "This order has no recorded charge, so there is nothing to refund."
        )
    payment_client().refund(charge_id)
    with transaction.atomic():
        order = _order_locked(order_id)
        if order.status != Order.Status.REFUNDED:  # a concurrent refund may have got there first
            transition_apply(order=order, to=Order.Status.REFUNDED)
            order.save(update_fields=["status", "updated_at"])
    return order
