"""The Checkout service's interface, as its consumers see it.

Implementations and `checkout_client()` come with the checkout issue, following
currency/client.py.
"""

from __future__ import annotations

from typing import Protocol

from shop.dto import Address, CreditCard, OrderResult


class CheckoutClient(Protocol):
    def place_order(
        self,
        *,
        user_id: str,
        user_currency: str,
        address: Address,
        email: str,
        credit_card: CreditCard,
    ) -> OrderResult: ...
