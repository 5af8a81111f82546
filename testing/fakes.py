"""In-memory fakes of the cart, payment and shipping services, faithful to their client
interfaces (cart.client, payments.client, shipping.client) and to the original's behaviour.
checkout/tests/test_fake_contracts.py runs one contract suite against each fake and the real
local client, so a rule that changes on one side and not the other fails there.

Use them with `shop.registry.override(...)`; they are thread-safe, for concurrency tests.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cart.client import MAX_ADD_QUANTITY, MAX_LINE_QUANTITY, InvalidQuantity
from catalog.client import catalog_client
from shop.addresses import address_validate
from shop.dto import Address, Cart, CartItem, CreditCard
from shop.errors import (
    Concurrent,
    Conflict,
    Declined,
    InvalidArgument,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
)
from shop.money import Money

MAX_CART_ID_LENGTH = 128
IDEMPOTENCY_KEY_MAX_LENGTH = 255
REFERENCE_MAX_LENGTH = 100


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
        _check_user_id(user_id)
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise InvalidQuantity(
                f"The quantity must be a whole number from 1 to {MAX_ADD_QUANTITY}."
            )
        if not 1 <= quantity <= MAX_ADD_QUANTITY:
            raise InvalidQuantity(f"The quantity must be from 1 to {MAX_ADD_QUANTITY}.")
        if not product_id:
            raise InvalidArgument(
                "A product id is required.", fields={"product_id": ["This field is required."]}
            )
        catalog_client().get_product(product_id)  # the catalog's not-found, as the real cart
        with self._lock:
            items = self._items.setdefault(user_id, {})
            if items.get(product_id, 0) + quantity > MAX_LINE_QUANTITY:
                raise PreconditionFailed(
                    f"A cart holds at most {MAX_LINE_QUANTITY} of one product."
                )
            items[product_id] = items.get(product_id, 0) + quantity

    def get_cart(self, user_id: str) -> Cart:
        self._check()
        _check_user_id(user_id)
        with self._lock:
            items = self._items.get(user_id, {})
            return Cart(user_id=user_id, items=tuple(CartItem(p, q) for p, q in items.items()))

    def empty_cart(self, user_id: str) -> None:
        self._check()
        _check_user_id(user_id)
        with self._lock:
            self._items.pop(user_id, None)

    def _check(self) -> None:
        if self.down:
            raise FakeServiceDown("The cart service is not answering right now.")


def _check_user_id(user_id: str) -> None:
    if not isinstance(user_id, str) or not user_id or len(user_id) > MAX_CART_ID_LENGTH:
        raise InvalidArgument(f"A cart needs a user id of 1 to {MAX_CART_ID_LENGTH} characters.")


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
    """The accepted brands with their lengths; any other card is refused as a brand."""
    if number.startswith("4") and len(number) in (13, 16, 19):
        return "visa"
    if len(number) == 16 and ("51" <= number[:2] <= "55" or "2221" <= number[:4] <= "2720"):
        return "mastercard"
    return None


def _invalid(field: str, message: str) -> InvalidArgument:
    return InvalidArgument(message, fields={field: [message]})


class FakePayment:
    """The payment service's rules (a malformed number, expiry or CVV is invalid; another brand,
    an expired card or the simulated bank's refusal is declined); one charge per key."""

    # The simulated gateway's test numbers that its bank refuses (docs/payments-shipping.md).
    DECLINED_NUMBERS = {"4000000000000002", "4000000000009995"}

    def __init__(self, today: date | None = None):
        self._lock = threading.Lock()
        self.today = today or date.today()
        self.charges: list[FakeCharge] = []
        self.voids: list[str] = []
        self.voided_keys: set[str] = set()
        self.down = False
        # Charges are made but their answers never arrive (a timeout after the money moved).
        self.answers_lost = False
        # Another attempt under the same key is still at the processor (and will capture): the
        # charge is made, the answer is the payment service's "in progress, ask again".
        self.held_elsewhere = False
        self.void_down = False
        # Seconds a charge takes, like a real gateway's round trip (widens races in tests).
        self.latency = 0.0

    def charge(self, amount: Money, card: CreditCard, *, idempotency_key: str | None = None) -> str:
        if self.down:
            raise FakeServiceDown("The payment service is not answering right now.")
        time.sleep(self.latency)
        key = (idempotency_key or "").strip() or None
        if key and len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise InvalidArgument(
                f"An Idempotency-Key has at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters."
            )
        number = re.sub(r"[ -]", "", card.number or "")
        # One lock from the key's look-up to the new charge: concurrent retries charge once.
        with self._lock:
            earlier = next((c for c in self.charges if key and c.idempotency_key == key), None)
            if earlier is not None:
                if earlier.amount != amount or earlier.last4 != number[-4:]:
                    raise Conflict("This idempotency key was used for another payment.")
                return earlier.transaction_id
            if key in self.voided_keys:
                raise PreconditionFailed("This payment was cancelled before it was made.")
            self._check(amount, card, number)
            charge = FakeCharge(str(uuid.uuid4()), amount, number[-4:], key)
            self.charges.append(charge)
        if self.answers_lost:
            raise FakeServiceDown("The payment service is not answering right now.")
        if self.held_elsewhere:
            raise Concurrent("A payment with this key is still being processed.", retry_after=1)
        return charge.transaction_id

    def _check(self, amount: Money, card: CreditCard, number: str) -> None:
        if amount.amount <= 0:
            raise _invalid("amount", "The amount to charge must be greater than zero.")
        digits = number.isascii() and number.isdigit()  # as payments/cards.py: ASCII only
        if not digits or not 12 <= len(number) <= 19 or not luhn_valid(number):
            raise _invalid("credit_card_number", "The credit card number is not valid.")
        if card_brand(number) is None:
            raise FakeCardRefused(
                "Sorry, we cannot process this credit card. Only VISA or MasterCard is accepted."
            )
        month, year = card.expiration_month, card.expiration_year
        if not 1 <= month <= 12 or not 1 <= year <= 9999:
            raise _invalid("credit_card_expiration_month", "The month must be 1-12.")
        if (year, month) < (self.today.year, self.today.month):
            raise FakeCardRefused(f"The credit card expired on {month}/{year}.")
        cvv = (card.cvv or "").strip()
        if not (cvv.isascii() and cvv.isdigit() and 3 <= len(cvv) <= 4):
            raise _invalid("credit_card_cvv", "The security code (CVV) must be 3 or 4 digits.")
        if number in self.DECLINED_NUMBERS:
            raise FakeCardRefused("Your card was declined by the bank.")

    def void(self, transaction_id: str) -> None:
        if self.void_down:
            raise FakeServiceDown("The payment service is not answering right now.")
        with self._lock:
            charge = self._charge(transaction_id)
            if charge.refunded:
                raise PreconditionFailed("This charge was already refunded.")
            if not charge.voided:
                charge.voided = True
                self.voids.append(transaction_id)

    def void_by_key(self, idempotency_key: str) -> None:
        if self.void_down:
            raise FakeServiceDown("The payment service is not answering right now.")
        with self._lock:
            self.voided_keys.add(idempotency_key)
            charge = next((c for c in self.charges if c.idempotency_key == idempotency_key), None)
        if charge is not None and not charge.refunded:
            self.void(charge.transaction_id)

    def refund(self, transaction_id: str) -> None:
        if self.down:
            raise FakeServiceDown("The payment service is not answering right now.")
        with self._lock:
            charge = self._charge(transaction_id)
            if charge.voided:
                raise PreconditionFailed("This charge was voided; nothing to refund.")
            charge.refunded = True

    def _charge(self, transaction_id: str) -> FakeCharge:
        charge = next((c for c in self.charges if c.transaction_id == transaction_id), None)
        if charge is None:
            raise NotFound(f"There is no charge {transaction_id}.")
        return charge

    @property
    def captured(self) -> list[FakeCharge]:
        with self._lock:
            return [c for c in self.charges if not c.voided and not c.refunded]


def _items_check(items: Sequence[CartItem]) -> tuple[CartItem, ...]:
    problems = []
    for position, item in enumerate(items, start=1):
        if not (item.product_id or "").strip():
            problems.append(f"Item {position} has no product id.")
        if not isinstance(item.quantity, int) or item.quantity < 1:
            problems.append(f"Item {position}: the quantity must be at least 1.")
    if problems:
        raise InvalidArgument(" ".join(problems), fields={"items": problems})
    return tuple(items)


class FakeShipping:
    """Quote 0.00 USD for no items, else 8.99 USD; the shop's address rule; one shipment per
    reference, which never ships other items or to another address."""

    def __init__(self):
        self._lock = threading.Lock()
        self.shipments: dict[str, tuple[Address, tuple[CartItem, ...]]] = {}
        self._by_reference: dict[str, str] = {}
        self.cancelled: set[str] = set()
        self.down = False
        self.ship_down = False
        self.cancel_down = False

    def get_quote(self, address: Address | None, items: Sequence[CartItem]) -> Money:
        if self.down:
            raise FakeServiceDown("The shipping service is not answering right now.")
        # An empty address is none, as the cart page sends it before the customer gives one.
        if address is not None and any(dataclasses.astuple(address)):
            address_validate(address=address)
        return Money(Decimal("8.99") if _items_check(items) else Decimal(0), "USD")

    def ship_order(
        self, address: Address, items: Sequence[CartItem], *, reference: str | None = None
    ) -> str:
        if self.down or self.ship_down:
            raise FakeServiceDown("The shipping service is not answering right now.")
        address, items = address_validate(address=address), _items_check(items)
        if not items:
            raise _invalid("items", "A shipment needs at least one item.")
        reference = (reference or "").strip() or None
        if reference and len(reference) > REFERENCE_MAX_LENGTH:
            raise InvalidArgument(
                f"An order reference has at most {REFERENCE_MAX_LENGTH} characters."
            )
        with self._lock:
            if reference and reference in self._by_reference:
                tracking_id = self._by_reference[reference]
                if self.shipments[tracking_id] != (address, items):
                    raise Conflict("This order reference was already shipped elsewhere.")
                return tracking_id
            letters = "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(2))
            tracking_id = f"{letters}-{secrets.randbelow(10**7):07d}-{secrets.randbelow(10**7):07d}"
            self.shipments[tracking_id] = (address, items)
            if reference:
                self._by_reference[reference] = tracking_id
            return tracking_id

    def cancel(self, *, reference: str) -> bool:
        if self.down or self.cancel_down:
            raise FakeServiceDown("The shipping service is not answering right now.")
        with self._lock:
            tracking_id = self._by_reference.get(reference.strip())
            if tracking_id is None:
                return False
            self.cancelled.add(tracking_id)
            return True


class Recording:
    """A real client that records the names of the methods called on it, in order (to prove
    how many round trips a piece of work costs)."""

    def __init__(self, real):
        self.real = real
        self.calls: list[str] = []

    def __getattr__(self, name):
        method = getattr(self.real, name)

        def recorded(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return recorded
