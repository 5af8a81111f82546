"""Undoing what a failed checkout did: the charge is voided and the shipment cancelled. Whatever
could not be undone is written on the order for staff (`needs_attention`, `attention_note`), and
the customer is told only what is true: "not charged" once the void succeeded, otherwise that the
money will be returned.

Used when a checkout fails after the charge (services), when the recovery finds an order a crash
left pending (recovery), and when staff cancel an interrupted checkout (transitions).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db.models import Value
from django.db.models.functions import Concat

from payments.client import payment_client
from shipping.client import shipping_client
from shop.errors import ShopError

from .errors import OrderNotFound
from .models import Order

logger = logging.getLogger(__name__)

NOT_CHARGED = "Your card has not been charged."
MONEY_RETURNED = (
    "Your card was charged, but the money will be returned to you: our staff have been told "
    "and are seeing to it."
)


MAYBE_CHARGED = (
    "If your card was charged, the money will be returned to you: our staff have been told and "
    "are seeing to it."
)


@dataclass(frozen=True, slots=True)
class Compensation:
    # True when no money stays taken: the charge was voided (or there was none).
    money_back: bool
    # What staff must still do by hand; empty when everything was undone.
    staff_notes: tuple[str, ...]
    # False when it is not known whether the card was charged (nor could that be undone).
    charge_known: bool = True

    @property
    def customer_message(self) -> str:
        if self.money_back:
            return NOT_CHARGED
        return MONEY_RETURNED if self.charge_known else MAYBE_CHARGED


def order_compensate(
    *, order: Order, charge_id: str, cancel_shipment: bool, charge_unknown: bool = False
) -> Compensation:
    """Voids the charge and, when a shipment may exist, cancels it (by the order id it shipped
    under); flags the order for staff with whatever could not be undone. Both calls are safe to
    repeat, so the recovery and a late checkout may compensate the same order.

    charge_unknown: the card may have been charged but the charge id never reached the order
    (the Charge answer was lost, or the process died): the charge is voided by the order id it
    was asked under, which also forbids a charge still on its way."""
    notes = []
    money_back = charge_known = True
    if charge_id:
        why = _attempt(lambda: payment_client().void(charge_id), order, f"voiding {charge_id}")
        if why is not None:
            money_back = False
            notes.append(
                f"The charge {charge_id} could NOT be voided ({why}): refund it by hand with "
                "the payment processor; the customer was told the money will be returned."
            )
    elif charge_unknown:
        key = str(order.pk)
        why = _attempt(lambda: payment_client().void_by_key(key), order, "voiding by its key")
        if why is not None:
            money_back = charge_known = False
            notes.append(
                f"Whether the card was charged is unknown: the charge made under the key {key} "
                f"(if any) could NOT be voided ({why}). Look the key up with the payment "
                "service and refund any charge by hand; the customer was told the money will "
                "be returned."
            )
    if cancel_shipment:
        reference = str(order.pk)
        why = _attempt(
            lambda: shipping_client().cancel(reference=reference), order, "cancelling its shipment"
        )
        if why is not None:
            notes.append(
                f"The shipment of this order (reference {reference}) could NOT be cancelled "
                f"({why}): stop it with the shipping service or the carrier."
            )
    if notes:
        order_flag(order_id=str(order.pk), note=" ".join(notes))
    return Compensation(money_back=money_back, staff_notes=tuple(notes), charge_known=charge_known)


def order_flag(*, order_id: str, note: str) -> None:
    """Marks the order for staff, adding `note` to what it already says."""
    Order.objects.filter(pk=order_id).update(
        needs_attention=True, attention_note=Concat("attention_note", Value(f"{note}\n"))
    )


def order_attention_handled(*, order_id: str) -> Order:
    """Staff have done by hand what the note asked: the flag goes, the note stays as a record."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    order.needs_attention = False
    order.save(update_fields=["needs_attention", "updated_at"])
    return order


def _attempt(call, order: Order, what: str) -> str | None:
    """Runs the call; None when it succeeded, else why it failed (in words staff can act on)."""
    try:
        call()
    except ShopError as error:
        logger.warning("Order %s: %s failed: %s", order.pk, what, error.message)
        return error.message.rstrip(".")
    except Exception as error:
        logger.exception("Order %s: %s failed", order.pk, what)
        return type(error).__name__
    return None
