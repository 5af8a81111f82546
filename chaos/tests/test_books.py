"""The book checks find each kind of imbalance the chaos run looks for, and nothing in balanced
books (rows committed, as the shop's processes would have left them)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import connection

from chaos.books import book_problems
from checkout.models import Order
from payments.models import Charge
from shipping.models import Shipment

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(transactional_db) -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def order(status: str, *, charge: str = "", tracking: str = "") -> Order:
    return Order.objects.create(
        user_id="visitor", email="ada@example.com", street_address="1 Main St", city="Town",
        country="United States", zip_code="94043", currency="USD", shipping_cost=Decimal("8.99"),
        total=Decimal("28.98"), charge_id=charge, tracking_id=tracking, status=status,
        idempotency_key=uuid.uuid4().hex, request_fingerprint="f",
    )  # fmt: skip


def charge(status: str, key: str) -> str:
    return str(
        Charge.objects.create(
            amount=Decimal("28.98"), currency="USD", brand="visa", last4="0454",
            gateway="simulated", status=status, idempotency_key=key,
        ).id
    )  # fmt: skip


def shipment(reference: str, tracking: str, status: str = "created") -> None:
    Shipment.objects.create(
        tracking_id=tracking, reference=reference, street_address="1 Main St", city="Town",
        country="United States", zip_code="94043", items=[], status=status,
    )  # fmt: skip


def paid_order(tracking: str) -> str:
    placed = order("paid", tracking=tracking)
    order_id = str(placed.id)
    Order.objects.filter(pk=placed.pk).update(charge_id=charge("captured", order_id))
    shipment(order_id, tracking)
    return order_id


def test_balanced_books_have_no_problem(database_url):
    paid = paid_order("AB-1-1")
    failed = order("failed")
    charge("voided", str(failed.id))
    declined = order("failed")
    charge("declined", str(declined.id))
    compensated = order("failed")
    charge("voided", str(compensated.id))
    shipment(str(compensated.id), "AB-2-2", status="cancelled")

    assert book_problems(database_url, {paid: 1}) == []


def test_each_imbalance_is_named(database_url):
    twice_mailed = paid_order("AB-1-1")
    unmailed = paid_order("AB-2-2")
    kept = order("failed")
    kept_charge = charge("captured", str(kept.id))
    shipped_anyway = order("failed")
    shipment(str(shipped_anyway.id), "AB-3-3")
    interrupted = order("pending")
    charge("captured", str(interrupted.id))
    stray = str(uuid.uuid4())

    problems = book_problems(database_url, {twice_mailed: 2, stray: 1})

    assert f"paid order {twice_mailed} got 2 e-mails, not 1" in problems
    assert f"paid order {unmailed} got 0 e-mails, not 1" in problems
    assert f"failed order {kept.id} kept its charge {kept_charge}" in problems
    assert f"captured charge {kept_charge} belongs to: failed" in problems
    assert f"failed order {shipped_anyway.id} has a shipment not cancelled" in problems
    assert f"order {interrupted.id} still pending" in problems
    assert f"1 e-mails for {stray}, which is no order" in problems
    assert len(problems) == 8  # the pending order's captured charge is the eighth


def test_a_paid_order_without_its_shipment_or_charge_is_named(database_url):
    unshipped = paid_order("AB-1-1")
    Shipment.objects.filter(reference=unshipped).update(status="cancelled")
    unpaid = order("paid", tracking="AB-2-2")
    shipment(str(unpaid.id), "AB-2-2")

    problems = book_problems(database_url, {unshipped: 1, str(unpaid.id): 1})

    assert problems == [
        f"paid order {unshipped} has 0 shipments, not its one",
        f"paid order {unpaid.id} has no captured charge",
    ]
