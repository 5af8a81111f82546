"""The fakes checkout's tests run on (testing/fakes.py) keep the real services' contract.

Each suite runs twice, against the fake and against the real local client (payments.local,
cart.local, shipping.local), and states the outcome by hand: accepted, or the error's kind
and the fields it names. A rule changed on one side only fails here, not silently in checkout.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from decimal import Decimal

import pytest

from cart.local import LocalCartClient
from payments.local import LocalPaymentClient
from shipping.local import LocalShippingClient
from shop.dto import Address, Cart, CartItem, CreditCard
from shop.errors import ShopError
from shop.money import Money
from testing.fakes import FakeCart, FakePayment, FakeShipping

pytestmark = pytest.mark.django_db

ACCEPTED = "accepted"
EUR_10 = Money(Decimal("10.00"), "EUR")
VISA = CreditCard(number="4432801561520454", cvv="672", expiration_year=2039, expiration_month=1)
HOME = Address("1600 Amphitheatre Parkway", "Mountain View", "CA", "United States", "94043")
ITEMS = (CartItem("OLJCESPC7Z", 2), CartItem("6E92ZMYYFZ", 1))
TRACKING_ID = re.compile(r"[A-Z]{2}-\d{7}-\d{7}")


def outcome(call) -> str | tuple[str, tuple[str, ...]]:
    try:
        call()
    except ShopError as exc:
        return exc.kind, tuple(sorted(exc.fields))
    return ACCEPTED


def invalid(*fields: str) -> tuple[str, tuple[str, ...]]:
    return "invalid", fields


DECLINED = ("declined", ())


def fake_or_real(fake, real):
    @pytest.fixture(params=["fake", "real"])
    def implementation(request, catalog):
        return fake() if request.param == "fake" else real()

    return implementation


payment = fake_or_real(FakePayment, LocalPaymentClient)
cart = fake_or_real(FakeCart, LocalCartClient)
shipping = fake_or_real(FakeShipping, LocalShippingClient)


# --- payments ---------------------------------------------------------------------------------

CARDS = {
    "VISA": (VISA, ACCEPTED),
    "VISA written with spaces and hyphens": (replace(VISA, number="4432 8015-6152 0454"), ACCEPTED),
    "VISA of 13 digits": (replace(VISA, number="4222222222222"), ACCEPTED),
    "MasterCard": (replace(VISA, number="5555555555554444"), ACCEPTED),
    "MasterCard 2-series": (replace(VISA, number="2223003122003222"), ACCEPTED),
    "American Express": (replace(VISA, number="378282246310005"), DECLINED),
    "Discover": (replace(VISA, number="6011111111111117"), DECLINED),
    "VISA prefix, 14 digits": (replace(VISA, number="41111111111114"), DECLINED),
    "VISA prefix, 12 digits": (replace(VISA, number="411111111117"), DECLINED),
    "bad check digit": (replace(VISA, number="4432801561520453"), invalid("credit_card_number")),
    "11 digits": (replace(VISA, number="41111111112"), invalid("credit_card_number")),
    "20 digits": (replace(VISA, number="41111111111111111115"), invalid("credit_card_number")),
    "a letter": (replace(VISA, number="4432-8015-6152-045X"), invalid("credit_card_number")),
    "no number": (replace(VISA, number=""), invalid("credit_card_number")),
    "expired": (replace(VISA, number="5555555555554444", expiration_year=2020), DECLINED),
    "month 13": (replace(VISA, expiration_month=13), invalid("credit_card_expiration_month")),
    "2-digit CVV": (replace(VISA, cvv="67"), invalid("credit_card_cvv")),
    "CVV with letters": (replace(VISA, cvv="6a2"), invalid("credit_card_cvv")),
    "refused by the bank": (replace(VISA, number="4000000000000002"), DECLINED),
}


@pytest.mark.parametrize(("card", "expected"), CARDS.values(), ids=CARDS)
def test_payment_card_rules(payment, card, expected):
    assert outcome(lambda: payment.charge(EUR_10, card)) == expected


def test_payment_amount_must_be_positive(payment):
    zero = Money(Decimal("0"), "EUR")
    assert outcome(lambda: payment.charge(zero, VISA)) == invalid("amount")


def test_payment_key_charges_once_and_refuses_another_payment(payment):
    first = payment.charge(EUR_10, VISA, idempotency_key="order-1")
    assert payment.charge(EUR_10, VISA, idempotency_key="order-1") == first
    other_amount = Money(Decimal("10.01"), "EUR")
    other_card = replace(VISA, number="5555555555554444")
    assert outcome(lambda: payment.charge(other_amount, VISA, idempotency_key="order-1")) == (
        "conflict", ()
    )  # fmt: skip
    assert outcome(lambda: payment.charge(EUR_10, other_card, idempotency_key="order-1")) == (
        "conflict", ()
    )  # fmt: skip
    assert outcome(lambda: payment.charge(EUR_10, VISA, idempotency_key="k" * 256)) == invalid()
    assert payment.charge(EUR_10, VISA) != payment.charge(EUR_10, VISA)  # no key: two charges


def test_payment_void_and_refund(payment):
    assert outcome(lambda: payment.void(str(uuid.uuid4()))) == ("not_found", ())
    voided = payment.charge(EUR_10, VISA)
    payment.void(voided)
    payment.void(voided)  # again: nothing changes, so a compensation may be retried
    assert outcome(lambda: payment.refund(voided)) == ("precondition", ())
    refunded = payment.charge(EUR_10, VISA)
    payment.refund(refunded)
    payment.refund(refunded)  # again: nothing changes
    assert outcome(lambda: payment.void(refunded)) == ("precondition", ())


def test_payment_void_by_key_voids_the_keyed_charge_and_forbids_the_key(payment):
    charged = payment.charge(EUR_10, VISA, idempotency_key="order-lost-answer")
    payment.void_by_key("order-lost-answer")
    payment.void_by_key("order-lost-answer")  # again: nothing changes
    assert outcome(lambda: payment.refund(charged)) == ("precondition", ())  # it was voided

    payment.void_by_key("order-never-charged")  # no charge under it: the key is forbidden
    late = lambda: payment.charge(EUR_10, VISA, idempotency_key="order-never-charged")  # noqa: E731
    assert outcome(late) == ("precondition", ())


# --- cart -------------------------------------------------------------------------------------


def test_cart_adds_up_lines_in_the_order_added_and_empties(cart):
    assert cart.get_cart("ada") == Cart("ada")
    cart.add_item("ada", "OLJCESPC7Z", 2)
    cart.add_item("ada", "6E92ZMYYFZ", 1)
    cart.add_item("ada", "OLJCESPC7Z", 3)
    assert cart.get_cart("ada") == Cart(
        "ada", (CartItem("OLJCESPC7Z", 5), CartItem("6E92ZMYYFZ", 1))
    )
    cart.empty_cart("ada")
    assert cart.get_cart("ada") == Cart("ada")


ADDS = {
    "1 of a product": (("ada", "OLJCESPC7Z", 1), ACCEPTED),
    "10 of a product": (("ada", "OLJCESPC7Z", 10), ACCEPTED),
    "none": (("ada", "OLJCESPC7Z", 0), invalid("quantity")),
    "11 at once": (("ada", "OLJCESPC7Z", 11), invalid("quantity")),
    "an unknown product": (("ada", "NOSUCHTHING", 1), ("not_found", ())),
    "no product": (("ada", "", 1), invalid("product_id")),
    "no user": (("", "OLJCESPC7Z", 1), invalid()),
    "a user id of 129 characters": (("u" * 129, "OLJCESPC7Z", 1), invalid()),
}


@pytest.mark.parametrize(("arguments", "expected"), ADDS.values(), ids=ADDS)
def test_cart_add_rules(cart, arguments, expected):
    assert outcome(lambda: cart.add_item(*arguments)) == expected


def test_cart_line_stops_at_99(cart):
    for _ in range(9):
        cart.add_item("ada", "OLJCESPC7Z", 10)
    assert outcome(lambda: cart.add_item("ada", "OLJCESPC7Z", 10)) == ("precondition", ())
    cart.add_item("ada", "OLJCESPC7Z", 9)
    assert cart.get_cart("ada").size == 99


# --- shipping ---------------------------------------------------------------------------------


def test_shipping_quotes_the_originals_flat_rate(shipping):
    usd = lambda amount: Money(Decimal(amount), "USD")  # noqa: E731
    assert shipping.get_quote(HOME, ITEMS) == usd("8.99")
    assert shipping.get_quote(HOME, ()) == usd("0.00")
    # The cart page quotes before an address exists: none, or an empty one.
    assert shipping.get_quote(None, ITEMS) == usd("8.99")
    assert shipping.get_quote(Address("", "", "", "", ""), ITEMS) == usd("8.99")


QUOTES = {
    "no city": ((replace(HOME, city=""), ITEMS), invalid("city")),
    "a 17-character postal code": ((replace(HOME, zip_code="1" * 17), ITEMS), invalid("zip_code")),
    "a postal code with a '!'": ((replace(HOME, zip_code="94043!"), ITEMS), invalid("zip_code")),
    "a quantity of 0": ((HOME, (CartItem("OLJCESPC7Z", 0),)), invalid("items")),
    "an item without product": ((HOME, (CartItem(" ", 1),)), invalid("items")),
}


@pytest.mark.parametrize(("arguments", "expected"), QUOTES.values(), ids=QUOTES)
def test_shipping_quote_rules(shipping, arguments, expected):
    assert outcome(lambda: shipping.get_quote(*arguments)) == expected
    assert outcome(lambda: shipping.ship_order(*arguments)) == expected


def test_shipping_ships_once_per_reference(shipping):
    first = shipping.ship_order(HOME, ITEMS, reference="order-1")
    assert TRACKING_ID.fullmatch(first)
    assert shipping.ship_order(HOME, ITEMS, reference="order-1") == first
    elsewhere = replace(HOME, city="Sunnyvale")
    assert outcome(lambda: shipping.ship_order(elsewhere, ITEMS, reference="order-1")) == (
        "conflict", ()
    )  # fmt: skip
    assert outcome(lambda: shipping.ship_order(HOME, ITEMS[:1], reference="order-1")) == (
        "conflict", ()
    )  # fmt: skip
    assert shipping.ship_order(HOME, ITEMS) != shipping.ship_order(HOME, ITEMS)


def test_shipping_cancels_what_shipped_under_the_reference_once(shipping):
    shipping.ship_order(HOME, ITEMS, reference="order-1")
    assert shipping.cancel(reference="order-1") is True
    assert shipping.cancel(reference="order-1") is True
    assert shipping.cancel(reference="order-2") is False


def test_shipping_refuses_nothing_to_ship_and_a_long_reference(shipping):
    assert outcome(lambda: shipping.ship_order(HOME, ())) == invalid("items")
    long_reference = "r" * 101
    assert outcome(lambda: shipping.ship_order(HOME, ITEMS, reference=long_reference)) == invalid()
