"""Concurrent requests with one idempotency key, on the production database."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from payments.errors import ChargeInProgress
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


def test_a_request_waiting_on_a_charge_still_at_the_processor_is_told_when_to_ask_again(
    counting_gateway, settings
):
    settings.PAYMENT_IDEMPOTENCY_WAIT_SECONDS = 0.2
    release = threading.Event()
    counting_gateway(hold=release)
    amount = Money(Decimal("42.00"), "USD")

    def charge() -> str:
        try:
            return payment_charge(amount=amount, card=card(), idempotency_key="held")
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(charge)
        # The first request claims the key and waits at the processor.
        deadline = time.monotonic() + 30
        while not Charge.objects.filter(idempotency_key="held").exists():
            assert time.monotonic() < deadline, "the first charge never claimed its key"
            time.sleep(0.02)
        with pytest.raises(ChargeInProgress) as refused:
            payment_charge(amount=amount, card=card(), idempotency_key="held")
        release.set()
        transaction_id = first.result(timeout=30)

    # Not a refusal: the same request may succeed shortly, and says when (REST Retry-After,
    # gRPC ABORTED with shop-retry-after); checkout reads it as a charge that may have been made.
    assert refused.value.kind == "concurrent" and refused.value.retry_after == 1
    assert payment_charge(amount=amount, card=card(), idempotency_key="held") == transaction_id
