"""The customer's view of an order (the confirmation and order pages), as it crosses the seam."""

from __future__ import annotations

from shop import dto
from shop.money import Money

from .errors import AnotherCheckoutFirst
from .models import Order
from .selectors import order_get, order_get_for_customer, order_path, order_result
from .services import order_placed


def order_for_customer(order: Order) -> dto.CustomerOrder:
    return dto.CustomerOrder(
        order_id=str(order.id),
        status=order.status,
        status_label=order.get_status_display(),
        email=order.email,
        shipping_address=order_result(order).shipping_address,
        lines=tuple(
            dto.CustomerOrderLine(
                product_id=line.product_id,
                name=line.product_name,
                quantity=line.quantity,
                unit_price=Money(line.unit_price, order.currency),
            )
            for line in order.lines.all()
        ),
        shipping_cost=Money(order.shipping_cost, order.currency),
        total=Money(order.total, order.currency),
        tracking_id=order.tracking_id,
        access_path=order_path(order),
    )


def customer_order_get(*, order_id: str, token: str) -> dto.CustomerOrder:
    """The order behind an access link; a wrong token looks exactly like an unknown order."""
    return order_for_customer(order_get_for_customer(order_id=order_id, token=token))


def customer_order_place(**order: object) -> dto.CustomerOrder:
    """order_placed (same arguments), answered with the customer's view of the order. When
    another checkout of the cart came first, the answer is that checkout's order, maybe still
    pending: it is the same cart owner's (the storefront's user id is the visitor's session)."""
    try:
        placed = order_placed(**order)
    except AnotherCheckoutFirst as error:
        if not error.order_id:
            raise
        return order_for_customer(order_get(order_id=error.order_id))
    return order_for_customer(placed)
