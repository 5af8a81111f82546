import dataclasses
import itertools
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shipping.models import Shipment, ShippingRate
from shipping.services import (
    ShipmentItemsInvalid,
    ShipmentNotFound,
    ShipmentReferenceReused,
    ShipmentStatusInvalid,
    shipment_advance,
    shipment_create,
    shipment_ship,
    shipping_quote,
    tracking_id_new,
)
from shipping.tests.conftest import HOME, ITEMS
from shop.addresses import AddressInvalid
from shop.dto import Address, CartItem
from shop.errors import NotFound
from shop.money import Money

pytestmark = pytest.mark.django_db

TRACKING_ID = re.compile(r"^[A-Z]{2}-\d+-\d+$")


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def test_the_originals_quotes_by_default():
    assert shipping_quote(address=HOME, items=()) == usd("0.00")
    assert shipping_quote(address=HOME, items=ITEMS) == usd("8.99")


def test_a_quote_needs_no_address_as_on_the_cart_page():
    empty = Address("", "", "", "", "")
    assert shipping_quote(address=empty, items=ITEMS) == usd("8.99")
    assert shipping_quote(address=None, items=ITEMS) == usd("8.99")


def staff_edit(**fields) -> None:
    """As the admin saves the rate (a save, whose signal drops the rate held in memory)."""
    rate = ShippingRate.objects.get(pk=1)
    for name, value in fields.items():
        setattr(rate, name, value)
    rate.save()


def test_staff_edit_the_rate_and_a_free_shipping_threshold(catalog):
    staff_edit(flat_rate=Decimal("5.00"))
    assert shipping_quote(address=HOME, items=ITEMS) == usd("5.00")
    # ITEMS are worth 2 x 19.99 + 8.99 = 48.97
    staff_edit(free_shipping_threshold=Decimal("48.97"))
    assert shipping_quote(address=HOME, items=ITEMS) == usd("0.00")
    staff_edit(free_shipping_threshold=Decimal("48.98"))
    assert shipping_quote(address=HOME, items=ITEMS) == usd("5.00")


def test_a_threshold_quote_prices_every_item_in_one_catalog_call(catalog):
    staff_edit(free_shipping_threshold=Decimal("100.00"))
    assert shipping_quote(address=HOME, items=ITEMS) == usd("8.99")
    assert catalog.calls == ["get_products"]
    with pytest.raises(NotFound):  # the catalog's own error, as before
        shipping_quote(address=HOME, items=(*ITEMS, CartItem("NOSUCHPROD", 1)))


def test_a_quantity_below_one_is_refused():
    with pytest.raises(ShipmentItemsInvalid, match="Item 2: the quantity must be at least 1"):
        shipping_quote(address=None, items=(CartItem("A", 1), CartItem("B", 0)))


def test_tracking_ids_have_the_originals_shape():
    for _ in range(50):
        assert TRACKING_ID.match(tracking_id_new())


def test_a_shipment_is_stored_with_address_items_and_status():
    tracking_id = shipment_create(address=HOME, items=ITEMS, reference="order-1")
    shipment = Shipment.objects.get()
    assert shipment.tracking_id == tracking_id and TRACKING_ID.match(tracking_id)
    assert (shipment.city, shipment.zip_code, shipment.status) == (
        "Mountain View",
        "94043",
        "created",
    )
    assert shipment.items == [
        {"product_id": "OLJCESPC7Z", "quantity": 2},
        {"product_id": "6E92ZMYYFZ", "quantity": 1},
    ]


def test_the_same_reference_ships_once():
    first = shipment_ship(address=HOME, items=ITEMS, reference="order-1")
    again = shipment_ship(address=HOME, items=ITEMS, reference="order-1")
    assert first.created and not again.created
    assert again.shipment.pk == first.shipment.pk and Shipment.objects.count() == 1
    with pytest.raises(ShipmentReferenceReused):
        shipment_ship(address=HOME, items=ITEMS[:1], reference="order-1")


def test_a_new_reference_ships_in_one_statement_its_replay_in_two():
    # The reference is not looked up before the insert: its unique index stops a replay.
    with CaptureQueriesContext(connection) as first:
        shipment_ship(address=HOME, items=ITEMS, reference="order-1")
    with CaptureQueriesContext(connection) as again:
        assert not shipment_ship(address=HOME, items=ITEMS, reference="order-1").created
    assert _statements(first) == 1 and _statements(again) == 2


def _statements(queries: CaptureQueriesContext) -> int:
    savepoints = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
    return sum(not q["sql"].startswith(savepoints) for q in queries)


def test_without_a_reference_every_call_is_a_new_shipment():
    assert shipment_create(address=HOME, items=ITEMS) != shipment_create(address=HOME, items=ITEMS)


def test_a_taken_tracking_id_is_drawn_again():
    taken = shipment_create(address=HOME, items=ITEMS)
    ids = itertools.chain([taken, taken], iter(tracking_id_new, None))
    outcome = shipment_ship(address=HOME, items=ITEMS, new_tracking_id=lambda: next(ids))
    assert outcome.created and outcome.shipment.tracking_id != taken
    assert Shipment.objects.count() == 2


def test_nothing_to_ship_is_refused():
    with pytest.raises(ShipmentItemsInvalid, match="at least one item"):
        shipment_create(address=HOME, items=())


def test_an_invalid_address_ships_nothing():
    with pytest.raises(AddressInvalid):
        shipment_create(address=dataclasses.replace(HOME, city=""), items=ITEMS)
    assert not Shipment.objects.exists()


def test_status_moves_created_shipped_delivered_only():
    tracking_id = shipment_create(address=HOME, items=ITEMS)
    with pytest.raises(ShipmentStatusInvalid, match="is created; it cannot be marked delivered"):
        shipment_advance(tracking_id=tracking_id, to="delivered")
    assert shipment_advance(tracking_id=tracking_id, to="shipped").shipped_at
    delivered = shipment_advance(tracking_id=tracking_id, to="delivered")
    assert delivered.status == "delivered" and delivered.delivered_at
    with pytest.raises(ShipmentStatusInvalid):
        shipment_advance(tracking_id=tracking_id, to="shipped")
    with pytest.raises(ShipmentNotFound):
        shipment_advance(tracking_id="XX-1-1", to="shipped")


@pytest.mark.django_db(transaction=True)
def test_a_shipment_outside_a_transaction_is_its_insert_alone():
    # No BEGIN and COMMIT around the one INSERT (the checkout ships in autocommit); a replay's
    # refused insert spoils nothing: the earlier shipment is then read on the same connection.
    with CaptureQueriesContext(connection) as first:
        shipment_ship(address=HOME, items=ITEMS, reference="order-1")
    with CaptureQueriesContext(connection) as again:
        assert not shipment_ship(address=HOME, items=ITEMS, reference="order-1").created
    assert [q["sql"].split()[0] for q in first] == ["INSERT"]
    assert [q["sql"].split()[0] for q in again] == ["INSERT", "SELECT"]
