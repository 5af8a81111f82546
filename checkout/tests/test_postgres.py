"""Real concurrency on PostgreSQL: a burst of identical submits makes one order and one charge."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from checkout.models import Order
from checkout.services import order_place

from .test_api import BODY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BURST = 8


def burst(call):
    """Runs `call` in BURST threads released at the same instant; returns results or errors."""
    barrier = threading.Barrier(BURST)

    def run(_):
        try:
            barrier.wait()
            return call()
        except Exception as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(run, range(BURST)))


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_a_burst_of_identical_submits_places_one_order(fakes, address, card):
    fakes.cart.add_item("visitor", "OLJCESPC7Z", 2)
    fakes.payment.latency = 0.2  # every submit arrives while the first is still charging

    results = burst(lambda: order_place(user_id="visitor", user_currency="EUR", address=address,
                                        email="ada@example.com", credit_card=card))  # fmt: skip

    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({result.order_id for result in results}) == 1
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1
    assert len(fakes.shipping.shipments) == 1


def test_a_burst_with_one_idempotency_key_places_one_order(fakes):
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    fakes.payment.latency = 0.2

    def post():
        response = APIClient().post(
            "/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="burst-key"
        )
        return response.status_code, response.json()["id"]

    results = burst(post)
    assert {status for status, _ in results} == {201}, results
    assert len({order_id for _, order_id in results}) == 1
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
