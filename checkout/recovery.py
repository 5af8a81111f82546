"""Finishing what a crashed process or a broker outage interrupted (run by orders_sweep)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .models import Order
from .selectors import SOLD
from .transitions import charge_void


def orders_pending_recover(*, older_than: timedelta) -> int:
    """Fails orders left pending by a crashed process and voids the charge they recorded, so no
    money stays taken without an order that says so, and their key is free again."""
    cutoff = timezone.now() - older_than
    recovered = 0
    for order in Order.objects.filter(status=Order.Status.PENDING, updated_at__lt=cutoff):
        # Fail first (only if still pending), then void: never void an order that got paid.
        failed = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.FAILED,
            failure_kind="unavailable",
            failure_reason="The checkout was interrupted before it completed.",
            updated_at=timezone.now(),
        )
        if failed and order.charge_id:
            charge_void(order=order, charge_id=order.charge_id)
        recovered += failed
    return recovered


def orders_incomplete(*, older_than: timedelta) -> list[str]:
    """Ids of paid orders whose post-order work has not run (e.g. the broker was down at commit)."""
    cutoff = timezone.now() - older_than
    return [
        str(order_id)
        for order_id in Order.objects.filter(
            status__in=SOLD, completed_at__isnull=True, updated_at__lt=cutoff
        ).values_list("id", flat=True)
    ]
