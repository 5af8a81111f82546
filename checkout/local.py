"""The in-process checkout client: calls services.py directly. Only the factory in client.py
imports this module, so a process that calls the service remotely never loads its ORM modules."""

from __future__ import annotations

from shop.dto import Address, CreditCard, OrderResult

from . import services


class LocalCheckoutClient:
    def place_order(
        self,
        *,
        user_id: str,
        user_currency: str,
        address: Address,
        email: str,
        credit_card: CreditCard,
    ) -> OrderResult:
        return services.order_place(
            user_id=user_id,
            user_currency=user_currency,
            address=address,
            email=email,
            credit_card=credit_card,
        )
