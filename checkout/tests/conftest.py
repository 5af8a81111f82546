"""Fixtures of the checkout tests: the real catalog and currency, fakes for the rest."""

from __future__ import annotations

import pytest

from shop import registry
from shop.dto import Address, CreditCard

from .fakes import FakeCart, FakePayment, FakeShipping

VISA = "4432801561520454"
# The storefront checkout form, filled in as a customer would.
FORM = {
    "email": "ada@example.com",
    "street_address": "1600 Amphitheatre Parkway",
    "zip_code": "94043",
    "city": "Mountain View",
    "state": "CA",
    "country": "United States",
    "credit_card_number": VISA,
    "credit_card_expiration_month": "1",
    "credit_card_expiration_year": "2039",
    "credit_card_cvv": "672",
}


@pytest.fixture
def catalog(db):
    from catalog.services import demo_catalog_load
    from currency.services import rates_load_initial

    rates_load_initial()
    demo_catalog_load()


@pytest.fixture
def fakes(catalog):
    cart, payment, shipping = FakeCart(), FakePayment(), FakeShipping()
    with (
        registry.override("cart", cart),
        registry.override("payments", payment),
        registry.override("shipping", shipping),
    ):
        yield type("Fakes", (), {"cart": cart, "payment": payment, "shipping": shipping})


@pytest.fixture
def address() -> Address:
    return Address("1600 Amphitheatre Parkway", "Mountain View", "CA", "United States", "94043")


@pytest.fixture
def card() -> CreditCard:
    return CreditCard(number=VISA, cvv="672", expiration_year=2039, expiration_month=1)
