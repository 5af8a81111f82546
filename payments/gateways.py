"""Payment gateways: the processor that actually moves the money.

services.py validates the card, records the charge and calls `gateway()`; a real processor is a
new class with the same three methods, added to GATEWAYS and chosen with the PAYMENT_GATEWAY
setting — checkout and the rest of the shop never change. A gateway receives the full card but
must not log or keep it; it returns only its own reference for the payment.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shop.dto import CreditCard
from shop.money import Money


@dataclass(frozen=True, slots=True)
class GatewayResult:
    approved: bool
    reference: str = ""
    # Why the processor refused, in words fit for the customer (empty when approved).
    decline_reason: str = ""


class PaymentGateway(Protocol):
    name: str
    # True when no outside party holds the money between the answer and the shop's record of it
    # (the simulated processor): the charge is then written once, settled, instead of claimed
    # first and settled after (services.py).
    in_process: bool

    def charge(self, *, amount: Money, card: CreditCard, idempotency_key: str) -> GatewayResult:
        """Authorizes and captures. The same idempotency_key must never move money twice."""
        ...

    def void(self, *, reference: str, idempotency_key: str) -> None:
        """Cancels a capture that has not settled yet; the money never leaves the customer."""
        ...

    def refund(self, *, reference: str, amount: Money, idempotency_key: str) -> None:
        """Gives the captured amount back."""
        ...


class SimulatedGateway:
    """The original's processor: approves every card that passed the shop's checks.

    For testing the refusal path, a few well-known test numbers are declined the way a real
    processor would decline them (the full list is in docs/payments-shipping.md).
    """

    name = "simulated"
    in_process = True
    DECLINED_NUMBERS = {
        "4000000000000002": "Your card was declined by the bank.",
        "4000000000009995": "Your card has insufficient funds.",
    }

    def charge(self, *, amount: Money, card: CreditCard, idempotency_key: str) -> GatewayResult:
        reason = self.DECLINED_NUMBERS.get(card.number.replace(" ", "").replace("-", ""))
        if reason:
            return GatewayResult(approved=False, decline_reason=reason)
        return GatewayResult(approved=True, reference=f"sim_{uuid.uuid4().hex}")

    def void(self, *, reference: str, idempotency_key: str) -> None:
        return None

    def refund(self, *, reference: str, amount: Money, idempotency_key: str) -> None:
        return None


# name -> factory; a real processor is one more entry here.
GATEWAYS: dict[str, Callable[[], PaymentGateway]] = {"simulated": SimulatedGateway}


def gateway(name: str | None = None) -> PaymentGateway:
    """The named gateway (the one that made a charge), else settings.PAYMENT_GATEWAY."""
    name = name or getattr(settings, "PAYMENT_GATEWAY", "simulated")
    try:
        return GATEWAYS[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"PAYMENT_GATEWAY={name!r} is not a known gateway; choose from {', '.join(GATEWAYS)}."
        ) from None
