"""Finishing what a crashed process or a broker outage interrupted (run by orders_sweep)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .compensation import order_compensate
from .models import Order
from .selectors import SOLD

INTERRUPTED = "The checkout was interrupted before it completed."


def orders_pending_recover(*, older_than: timedelta) -> int:
    """The sweep (beat, the backstop of order_pending_recover): every order pending for longer
    than `older_than`, e.g. because the broker lost the order's own recovery task."""
    cutoff = timezone.now() - older_than
    pending = Order.objects.filter(status=Order.Status.PENDING, updated_at__lt=cutoff)
    return sum(
        order_pending_recover(order_id=str(order_id))
        for order_id in pending.values_list("pk", flat=True)
    )


def order_pending_recover(*, order_id: str) -> bool:
    """Fails an order its checkout left pending (the process died) and undoes its charge and
    shipment, so no money stays taken without an order that says so, and its key is free again.
    False when the order is no longer pending (its checkout finished): nothing to do."""
    order = Order.objects.filter(pk=order_id, status=Order.Status.PENDING).first()
    if order is None:
        return False
    # Fail first (only if still pending), then undo: never void an order that got paid. A
    # checkout still running can no longer mark it paid; its own compensation repeats these
    # idempotent calls.
    failed = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
        status=Order.Status.FAILED,
        failure_kind="unavailable",
        failure_reason=INTERRUPTED,
        updated_at=timezone.now(),
    )
    if failed:
        # Without a charge id the process may have died between the charge and recording it.
        undone = order_compensate(
            order=order, charge_id=order.charge_id, cancel_shipment=True, charge_unknown=True
        )
        Order.objects.filter(pk=order.pk).update(
            failure_reason=f"{INTERRUPTED} {undone.customer_message}"
        )
    return bool(failed)


def orders_incomplete(*, older_than: timedelta) -> list[str]:
    """Ids of paid orders whose post-order work has not run (e.g. the broker was down at commit)."""
    cutoff = timezone.now() - older_than
    return [
        str(order_id)
        for order_id in Order.objects.filter(
            status__in=SOLD, completed_at__isnull=True, updated_at__lt=cutoff
        ).values_list("id", flat=True)
    ]
