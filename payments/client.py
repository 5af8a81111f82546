"""The Payment service's interface, as its consumers see it.

Implementations and `payment_client()` come with the payments issue, following currency/client.py.
"""

from __future__ import annotations

from typing import Protocol

from shop.dto import CreditCard
from shop.money import Money


class PaymentClient(Protocol):
    def charge(self, amount: Money, card: CreditCard, *, idempotency_key: str | None = None) -> str:
        """Charges the card and returns the transaction id; the same key never charges twice."""
        ...

    def void(self, transaction_id: str) -> None:
        """Gives the money back (compensation when a later checkout step fails)."""
        ...
