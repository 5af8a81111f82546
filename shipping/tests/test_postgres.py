"""Concurrent ShipOrder calls with one order reference, on the production database."""

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import IntegrityError, connection

from shipping.models import Shipment
from shipping.services import shipment_create
from shipping.tests.conftest import HOME, ITEMS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 6


def test_concurrent_calls_with_one_reference_ship_once():
    start = Barrier(REQUESTS)

    def ship(_request: int) -> str:
        start.wait(10)
        try:
            return shipment_create(address=HOME, items=ITEMS, reference="order-77")
        finally:
            connection.close()

    with ThreadPoolExecutor(REQUESTS) as pool:
        tracking_ids = set(pool.map(ship, range(REQUESTS), timeout=30))
    assert len(tracking_ids) == 1 and Shipment.objects.count() == 1


def test_the_database_refuses_a_duplicate_tracking_id():
    fields = {"items": [], **dataclasses.asdict(HOME)}
    Shipment.objects.create(tracking_id="AB-1234567-7654321", **fields)
    with pytest.raises(IntegrityError):
        Shipment.objects.create(tracking_id="AB-1234567-7654321", **fields)
