"""The in-process cart client: calls services.py directly. Only the factory in client.py imports
this module, so a process that calls the service remotely never loads its ORM modules."""

from __future__ import annotations

from shop.dto import Cart

from . import services


class LocalCartClient:
    def add_item(self, user_id: str, product_id: str, quantity: int) -> None:
        services.cart_add_item(user_id=user_id, product_id=product_id, quantity=quantity)

    def get_cart(self, user_id: str) -> Cart:
        return services.cart_get(user_id=user_id)

    def empty_cart(self, user_id: str) -> None:
        services.cart_empty(user_id=user_id)

    def set_quantity(self, user_id: str, product_id: str, quantity: int) -> None:
        services.cart_set_quantity(user_id=user_id, product_id=product_id, quantity=quantity)

    def remove_item(self, user_id: str, product_id: str) -> None:
        services.cart_remove_item(user_id=user_id, product_id=product_id)
