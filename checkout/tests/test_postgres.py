"""Real concurrency on PostgreSQL: a burst of submits of one cart, identical or not, makes one
order and one charge."""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from checkout.errors import AnotherCheckoutFirst, CartEmpty, CheckoutInProgress
from checkout.models import Order
from checkout.services import order_place
from testing.fixtures import FORM

from .test_api import BODY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BURST = 8
# The finding: 20 parallel POSTs of one cart with different keys made 8 paid orders.
MIXED_BURST = 20
# Answers to a submission that lost the race for its cart.
LOST = {"checkout_in_progress", "cart_checkout_in_progress", "cart_already_ordered"}


def burst(call, size=BURST):
    """Runs `call(i)` in `size` threads released at the same instant; returns results or
    errors."""
    barrier = threading.Barrier(size)

    def run(index):
        try:
            barrier.wait()
            return call(index)
        except Exception as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(size) as pool:
        return list(pool.map(run, range(size)))


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_a_burst_of_identical_submits_places_one_order(fakes, address, card):
    fakes.cart.add_item("visitor", "OLJCESPC7Z", 2)
    fakes.payment.latency = 0.2  # every submit arrives while the first is still charging

    results = burst(lambda _: order_place(user_id="visitor", user_currency="EUR", address=address,
                                        email="ada@example.com", credit_card=card))  # fmt: skip

    # Each gets the order, or (should it take more than a moment) "in progress" naming it.
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, CheckoutInProgress) for e in errors), errors
    answers = {r.order_id for r in results if r not in errors} | {e.order_id for e in errors}
    assert len(answers) == 1
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1
    assert len(fakes.shipping.shipments) == 1


def test_a_burst_with_one_idempotency_key_places_one_order(fakes):
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    fakes.payment.latency = 0.2

    def post(_):
        response = APIClient().post(
            "/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="burst-key"
        )
        return response.status_code, response.json().get("id") or response.json()["code"]

    results = burst(post)
    assert {status for status, _ in results} <= {201, 409}, results
    assert len({answer for status, answer in results if status == 201}) == 1
    assert {answer for status, answer in results if status == 409} <= {"checkout_in_progress"}
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1


def test_the_database_allows_one_pending_order_per_key(fakes, address, card):
    from django.db import IntegrityError

    fakes.cart.add_item("visitor", "OLJCESPC7Z", 1)
    order = Order.objects.get(pk=order_place(user_id="visitor", user_currency="USD",
                                             address=address, email="ada@example.com",
                                             credit_card=card).order_id)  # fmt: skip
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PENDING)
    with pytest.raises(IntegrityError):
        Order.objects.create(
            user_id="visitor", email="x@example.com", street_address="a", city="b", country="c",
            zip_code="1", currency="USD", shipping_cost=0, total=0,
            idempotency_key=order.idempotency_key, request_fingerprint="f",
        )  # fmt: skip


def test_twenty_rest_submissions_of_one_cart_with_mixed_keys_charge_once(fakes):
    """Five keys, four submissions each, each key with its own e-mail: one order, one charge.
    The winner's key is answered with its order, the others with a 409 (or, once the order
    emptied the cart, the empty cart)."""
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    fakes.payment.latency = 0.2

    def post(index):
        key = index % 5
        body = BODY | {"email": f"buyer{key}@example.com"}
        response = APIClient().post(
            "/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=f"key-{key}"
        )
        return response.status_code, response.json(), response.get("Retry-After")

    results = burst(post, MIXED_BURST)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1
    assert len(fakes.shipping.shipments) == 1
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    for status, body, retry_after in results:
        assert status in (201, 409, 422), body
        if status == 201:
            assert body["id"] == str(order.id)
        elif status == 409:
            assert body["code"] in LOST
            assert retry_after == "2" or body["code"] == "cart_already_ordered"
        else:
            assert body["code"] == "cart_empty"


def test_twenty_mixed_submissions_through_every_door_charge_once(fakes, address, card):
    """The storefront's and gRPC's derived keys (other e-mails, another card expiry) and REST's
    own keys, at once on one cart."""
    fakes.cart.add_item("visitor", "OLJCESPC7Z", 2)
    fakes.payment.latency = 0.2

    def submit(index):
        return order_place(
            user_id="visitor", user_currency="EUR", address=address,
            email=f"buyer{index % 3}@example.com",
            credit_card=card if index % 2 else replace(card, expiration_year=2040),
            idempotency_key=f"key-{index % 4}" if index % 5 == 0 else None,
        )  # fmt: skip

    results = burst(submit, MIXED_BURST)
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, AnotherCheckoutFirst | CartEmpty) for e in errors), errors
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1
    order_id = str(Order.objects.get().id)
    assert {r.order_id for r in results if not isinstance(r, Exception)} <= {order_id}
    assert {e.order_id for e in errors if isinstance(e, AnotherCheckoutFirst)} <= {order_id}


def test_the_database_allows_one_pending_order_per_cart(fakes, address, card):
    from django.db import IntegrityError

    Order.objects.create(
        user_id="visitor", email="x@example.com", street_address="a", city="b", country="c",
        zip_code="1", currency="USD", shipping_cost=0, total=0, idempotency_key="k1",
        request_fingerprint="f",
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        Order.objects.create(
            user_id="visitor", email="y@example.com", street_address="a", city="b",
            country="c", zip_code="1", currency="USD", shipping_cost=0, total=0,
            idempotency_key="k2", request_fingerprint="g",
        )  # fmt: skip


def test_parallel_storefront_submits_with_different_emails_charge_once(fakes):
    """The finding: two submits of one visitor's cart with different e-mails made two paid
    orders. Now every page shows the one order, or the page that reloads itself into it."""
    session = Client().session
    session.save()
    fakes.cart.add_item(session.session_key, "OLJCESPC7Z", 1)
    fakes.payment.latency = 0.2

    def submit(index):
        browser = Client()
        browser.cookies["sessionid"] = session.session_key
        response = browser.post("/cart/checkout", FORM | {"email": f"buyer{index}@example.com"})
        return response.status_code, response.get("Refresh", ""), response.content.decode()

    results = burst(submit)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1
    order = Order.objects.get()
    order_path = f"/order/{order.id}?token={order.access_token}"
    for status, refresh, page in results:
        assert status in (200, 202, 422), page
        if status == 200:
            assert str(order.id) in page
        elif status == 202:
            assert refresh == f"2; url={order_path}"
        else:
            assert "Your cart is empty" in page
