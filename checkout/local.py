"""The in-process checkout client: calls services.py and customer_orders.py directly. Only the
factory in client.py imports this module, so a process that calls the service remotely never
loads its ORM modules."""

from __future__ import annotations

from shop.dto import CustomerOrder, OrderResult

from . import customer_orders, services


class LocalCheckoutClient:
    def place_order(self, **order) -> OrderResult:
        return services.order_place(**order)

    def place_customer_order(self, **order) -> CustomerOrder:
        return customer_orders.customer_order_place(**order)

    def customer_order(self, order_id: str, access_token: str) -> CustomerOrder:
        return customer_orders.customer_order_get(order_id=order_id, token=access_token)
