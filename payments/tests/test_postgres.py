"""Concurrent requests with one idempotency key, on the production database."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from payments.models import Charge
from payments.services import payment_charge
from payments.tests.conftest import card
from shop.money import Money

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 8


def test_concurrent_requests_with_one_key_charge_once(counting_gateway):
    assert connection.vendor == "postgresql"
    release = threading.Event()
    gateway = counting_gateway(hold=release)
    start = threading.Barrier(REQUESTS)

    def charge() -> str:
        start.wait(10)
        try:
            return payment_charge(
                amount=Money(Decimal("42.00"), "USD"), card=card(), idempotency_key="double-click"
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(REQUESTS) as pool:
        futures = [pool.submit(charge) for _ in range(REQUESTS)]
        # Hold the first charge at the processor until every other request has arrived and
        # is waiting for it (each one has failed its claim and reads the pending row).
        release.wait(0.5)
        release.set()
        transaction_ids = {future.result(timeout=30) for future in futures}

    assert len(transaction_ids) == 1
    assert Charge.objects.count() == 1 and gateway.charges == 1
    assert Charge.objects.get().status == "captured"
