"""The in-process payment client: calls services.py directly. Only the factory in client.py imports
this module, so a process that calls the service remotely never loads its ORM modules."""

from __future__ import annotations

from shop.dto import CreditCard
from shop.money import Money

from . import services


class LocalPaymentClient:
    def charge(self, amount: Money, card: CreditCard, *, idempotency_key: str | None = None) -> str:
        return services.payment_charge(amount=amount, card=card, idempotency_key=idempotency_key)

    def void(self, transaction_id: str) -> None:
        services.payment_void(transaction_id=transaction_id)

    def void_by_key(self, idempotency_key: str) -> None:
        services.charge_void_by_key(idempotency_key=idempotency_key)

    def refund(self, transaction_id: str) -> None:
        services.payment_refund(transaction_id=transaction_id)
