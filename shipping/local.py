"""The in-process shipping client: calls services.py directly. Only the factory in client.py
imports this module, so a process that calls the service remotely never loads its ORM modules."""

from __future__ import annotations

from collections.abc import Sequence

from shop.dto import Address, CartItem
from shop.money import Money

from . import services


class LocalShippingClient:
    def get_quote(self, address: Address | None, items: Sequence[CartItem]) -> Money:
        return services.shipping_quote(address=address, items=tuple(items))

    def ship_order(
        self, address: Address, items: Sequence[CartItem], *, reference: str | None = None
    ) -> str:
        return services.shipment_create(address=address, items=tuple(items), reference=reference)

    def cancel(self, *, reference: str) -> bool:
        return services.shipment_cancel(reference=reference) is not None
