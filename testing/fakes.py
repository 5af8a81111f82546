"""In-memory fakes of the cart, payment and shipping services, faithful to their client
interfaces (cart.client, payments.client, shipping.client) and to the original's behaviour.

Use them with `shop.registry.override(...)`; they are thread-safe, for concurrency tests.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shop.dto import Address, Cart, CartItem, CreditCard
from shop.errors import Conflict, Declined, InvalidArgument, NotFound, ServiceUnavailable
from shop.money import Money


class FakeCardRefused(Declined):
    code = "fake_card_refused"


class FakeServiceDown(ServiceUnavailable):
    code = "fake_service_down"


class FakeCart:
    def __init__(self):
        self._lock = threading.Lock()
        self._items: dict[str, dict[str, int]] = {}
        self.down = False

    def add_item(self, user_id: str, product_id: str, quantity: int) -> None:
        if quantity < 1:
            raise InvalidArgument("Quantity must be at least 1.")
        with self._lock:
            items = self._items.setdefault(user_id, {})
            items[product_id] = items.get(product_id, 0) + quantity

    def get_cart(self, user_id: str) -> Cart:
        self._check()
        with self._lock:
            items = self._items.get(user_id, {})
            return Cart(user_id=user_id, items=tuple(CartItem(p, q) for p, q in items.items()))

    def empty_cart(self, user_id: str) -> None:
        self._check()
        with self._lock:
            self._items.pop(user_id, None)

    def _check(self) -> None:
        if self.down:
            raise FakeServiceDown("The cart service is not answering right now.")


@dataclass
class FakeCharge:
    transaction_id: str
    amount: Money
    last4: str
    idempotency_key: str | None
    voided: bool = False
    refunded: bool = False


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def card_brand(number: str) -> str | None:
    if number.startswith("4"):
        return "visa"
    if 51 <= int(number[:2]) <= 55 or 2221 <= int(number[:4]) <= 2720:
        return "mastercard"
    return None


class FakePayment:
    """Luhn, VISA/MasterCard only, not expired (the original's rules); one charge per key."""

    def __init__(self, today: date | None = None):
        self._lock = threading.Lock()
        self.today = today or date.today()
        self.charges: list[FakeCharge] = []
        self.voids: list[str] = []
        self.down = False
        # Seconds a charge takes, like a real gateway's round trip (widens races in tests).
        self.latency = 0.0

    def charge(self, amount: Money, card: CreditCard, *, idempotency_key: str | None = None) -> str:
        if self.down:
            raise FakeServiceDown("The payment service is not answering right now.")
        time.sleep(self.latency)
        number = card.number.replace(" ", "")
        if not number.isdigit() or not luhn_valid(number):
            raise FakeCardRefused("The credit card number is not valid.")
        brand = card_brand(number)
        if brand is None:
            raise FakeCardRefused(
                "Sorry, we cannot process this credit card. Only VISA or MasterCard is accepted."
            )
        if (card.expiration_year, card.expiration_month) < (self.today.year, self.today.month):
            raise FakeCardRefused(
                f"The credit card expired on {card.expiration_month}/{card.expiration_year}."
            )
        with self._lock:
            for earlier in self.charges:
                if idempotency_key and earlier.idempotency_key == idempotency_key:
                    if earlier.amount != amount:
                        raise Conflict("This idempotency key was used for another amount.")
                    return earlier.transaction_id
            charge = FakeCharge(str(uuid.uuid4()), amount, number[-4:], idempotency_key)
            self.charges.append(charge)
            return charge.transaction_id

    def void(self, transaction_id: str) -> None:
        with self._lock:
            charge = next((c for c in self.charges if c.transaction_id == transaction_id), None)
            if charge is None:
                raise NotFound(f"There is no charge {transaction_id}.")
            if not charge.voided:
                charge.voided = True
                self.voids.append(transaction_id)

    def refund(self, transaction_id: str) -> None:
        if self.down:
            raise FakeServiceDown("The payment service is not answering right now.")
        with self._lock:
            charge = next((c for c in self.charges if c.transaction_id == transaction_id), None)
            if charge is None:
                raise NotFound(f"There is no charge {transaction_id}.")
            charge.refunded = True

    @property
    def captured(self) -> list[FakeCharge]:
        with self._lock:
            return [c for c in self.charges if not c.voided and not c.refunded]


class FakeShipping:
    """Quote 0.00 USD for no items, else 8.99 USD; one shipment per reference."""

    def __init__(self):
        self._lock = threading.Lock()
        self.shipments: dict[str, tuple[Address, tuple[CartItem, ...]]] = {}
        self._by_reference: dict[str, str] = {}
        self.down = False
        self.ship_down = False

    def get_quote(self, address: Address, items: Sequence[CartItem]) -> Money:
        if self.down:
            raise FakeServiceDown("The shipping service is not answering right now.")
        return Money(Decimal("8.99") if items else Decimal(0), "USD")

    def ship_order(
        self, address: Address, items: Sequence[CartItem], *, reference: str | None = None
    ) -> str:
        if self.down or self.ship_down:
            raise FakeServiceDown("The shipping service is not answering right now.")
        with self._lock:
            if reference and reference in self._by_reference:
                return self._by_reference[reference]
            letters = "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(2))
            tracking_id = f"{letters}-{secrets.randbelow(10**7):07d}-{secrets.randbelow(10**7):07d}"
            self.shipments[tracking_id] = (address, tuple(items))
            if reference:
                self._by_reference[reference] = tracking_id
            return tracking_id
