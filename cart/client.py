"""The Cart service's interface, as its consumers see it.

Implementations and `cart_client()` come with the cart issue, following currency/client.py.
"""

from __future__ import annotations

from typing import Protocol

from shop.dto import Cart


class CartClient(Protocol):
    def add_item(self, user_id: str, product_id: str, quantity: int) -> None:
        """Adds to the quantity already in the cart; quantity < 1 or an unknown product refused."""
        ...

    def get_cart(self, user_id: str) -> Cart:
        """An empty cart for a user who has none."""
        ...

    def empty_cart(self, user_id: str) -> None: ...
