"""Orders as the admin tests need them: written straight to the table, in any status, on any
day, then counted in the sales ledger as after a bulk import (`sales_rebuild`)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from checkout.models import Order, OrderLine
from checkout.sales import sales_rebuild


def make_order(
    status: str = "paid",
    *,
    currency: str = "USD",
    lines=(("OLJCESPC7Z", "Sunglasses", 2, "19.99"),),
    shipping: str = "8.99",
    days_ago: int = 0,
    charge_id: str = "",
    tracking_id: str = "",
    **fields,
) -> Order:
    """`fields`: any other column (user_id, email, failure_kind, failure_reason...)."""
    total = sum(Decimal(price) * quantity for _, _, quantity, price in lines) + Decimal(shipping)
    count = Order.objects.count()
    # A cart of its own per order: the database allows one pending order per cart.
    columns = dict(
        user_id=f"visitor-{count}", email="ada@example.com", street_address="1 Main St",
        city="Springfield", country="United States", zip_code="62701", currency=currency,
        shipping_cost=Decimal(shipping), total=total, status=status, charge_id=charge_id,
        tracking_id=tracking_id, idempotency_key=f"key-{count}",
    )  # fmt: skip
    order = Order.objects.create(**(columns | fields))
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product_id=product_id, product_name=name, quantity=quantity,
                  unit_price=Decimal(price))
        for product_id, name, quantity, price in lines
    )  # fmt: skip
    if days_ago:
        then = timezone.now() - timedelta(days=days_ago)
        Order.objects.filter(pk=order.pk).update(created_at=then, updated_at=then)
    order.refresh_from_db()
    sales_rebuild()
    return order
