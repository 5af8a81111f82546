"""Cancelling a shipment before it leaves: the service rule, and the same rule through REST, gRPC
(boutique.ShipmentAdminService, via the remote client checkout uses) and the admin."""

import pytest

from shipping.client import GrpcShippingClient
from shipping.errors import ShipmentCancelInvalid, ShipmentNotFound, ShipmentStatusInvalid
from shipping.models import Shipment
from shipping.services import shipment_advance, shipment_cancel, shipment_create
from shipping.tests.conftest import HOME, ITEMS
from testing.api import token_client

pytestmark = pytest.mark.django_db

SHIPMENTS = "/api/v1/shipping/shipments/"


def test_a_created_shipment_is_cancelled_once_by_tracking_id_or_reference():
    tracking_id = shipment_create(address=HOME, items=ITEMS, reference="order-7")
    cancelled = shipment_cancel(reference="order-7")
    assert cancelled.tracking_id == tracking_id and cancelled.status == "cancelled"
    stamped = cancelled.cancelled_at
    assert stamped is not None
    # Again (a retried compensation): nothing changes.
    assert shipment_cancel(tracking_id=tracking_id).cancelled_at == stamped
    with pytest.raises(ShipmentStatusInvalid, match="cannot be marked shipped"):
        shipment_advance(tracking_id=tracking_id, to="shipped")


def test_nothing_shipped_under_a_reference_is_nothing_to_cancel():
    assert shipment_cancel(reference="order-never-shipped") is None
    with pytest.raises(ShipmentNotFound):
        shipment_cancel(tracking_id="XX-0000000-0000000")
    for named in ({}, {"tracking_id": "XX-1", "reference": "order-1"}, {"reference": "  "}):
        with pytest.raises(ShipmentCancelInvalid):
            shipment_cancel(**named)


def test_a_shipment_on_its_way_cannot_be_cancelled():
    tracking_id = shipment_create(address=HOME, items=ITEMS, reference="order-8")
    shipment_advance(tracking_id=tracking_id, to="shipped")
    with pytest.raises(ShipmentStatusInvalid, match="call the carrier"):
        shipment_cancel(reference="order-8")
    assert Shipment.objects.get().status == "shipped"


def test_staff_cancel_through_the_api():
    tracking_id = shipment_create(address=HOME, items=ITEMS, reference="order-9")
    assert token_client(is_staff=False).post(f"{SHIPMENTS}{tracking_id}/cancel/").status_code == 403
    staff = token_client(is_staff=True)
    response = staff.post(f"{SHIPMENTS}{tracking_id}/cancel/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled" and response.json()["cancelled_at"]
    assert staff.post(f"{SHIPMENTS}{tracking_id}/cancel/").status_code == 200
    assert staff.post(f"{SHIPMENTS}XX-0-0/cancel/").status_code == 404
    shipped = shipment_create(address=HOME, items=ITEMS, reference="order-10")
    shipment_advance(tracking_id=shipped, to="shipped")
    refused = staff.post(f"{SHIPMENTS}{shipped}/cancel/")
    assert refused.status_code == 422 and "call the carrier" in refused.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_checkout_cancels_by_reference_over_grpc(grpc_server):
    client = GrpcShippingClient(grpc_server("shipping"), deadline=10)
    tracking_id = client.ship_order(HOME, ITEMS, reference="order-11")
    assert client.cancel(reference="order-11") is True
    assert client.cancel(reference="order-11") is True
    assert Shipment.objects.get(tracking_id=tracking_id).status == "cancelled"
    assert client.cancel(reference="order-never-shipped") is False
    shipped = client.ship_order(HOME, ITEMS, reference="order-12")
    shipment_advance(tracking_id=shipped, to="shipped")
    with pytest.raises(ShipmentStatusInvalid):
        client.cancel(reference="order-12")


def test_staff_cancel_in_the_admin(admin_client):
    shipment_create(address=HOME, items=ITEMS, reference="order-13")
    pk = str(Shipment.objects.get().pk)
    url = "/admin/shipping/shipment/"
    response = admin_client.post(url, {"action": "cancel", "_selected_action": [pk]}, follow=True)
    assert b"Cancelled 1 shipment(s)." in response.content
    assert Shipment.objects.get().status == "cancelled"
