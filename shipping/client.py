"""The Shipping service's interface, as its consumers see it.

Implementations and `shipping_client()` come with the shipping issue, following currency/client.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shop.dto import Address, CartItem
from shop.money import Money


class ShippingClient(Protocol):
    def get_quote(self, address: Address, items: Sequence[CartItem]) -> Money:
        """The cost in USD."""
        ...

    def ship_order(
        self, address: Address, items: Sequence[CartItem], *, reference: str | None = None
    ) -> str:
        """Creates the shipment and returns its tracking id."""
        ...
