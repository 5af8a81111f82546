import dataclasses

import pytest
from rest_framework.test import APIClient

from shipping.models import Shipment
from shipping.tests.conftest import HOME
from testing.api import token_client

pytestmark = pytest.mark.django_db

QUOTES = "/api/v1/shipping/quotes/"
SHIPMENTS = "/api/v1/shipping/shipments/"
ITEMS = [{"product_id": "OLJCESPC7Z", "quantity": 2}]


@pytest.fixture
def api():
    return token_client(is_staff=True)


def test_any_token_ships_but_reading_shipments_needs_staff():
    warehouse = token_client(is_staff=False)
    body = {"address": dataclasses.asdict(HOME), "items": ITEMS}
    created = warehouse.post(SHIPMENTS, body, format="json")
    assert created.status_code == 201
    assert warehouse.get(SHIPMENTS).status_code == 403
    assert warehouse.get(f"{SHIPMENTS}{created.json()['tracking_id']}/").status_code == 403


def test_anyone_gets_a_quote():
    client = APIClient()
    quote = client.post(QUOTES, {"items": ITEMS}, format="json")
    assert quote.status_code == 200 and quote.json() == {
        "cost": {"currency": "USD", "amount": "8.99"}
    }
    empty = client.post(QUOTES, {"address": dataclasses.asdict(HOME), "items": []}, format="json")
    assert empty.json()["cost"] == {"currency": "USD", "amount": "0.00"}


def test_a_quote_with_a_bad_address_or_quantity_is_400_per_field():
    address = {**dataclasses.asdict(HOME), "zip_code": "", "city": ""}
    response = APIClient().post(QUOTES, {"address": address, "items": ITEMS}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "address": {"city": ["Enter the city."], "zip_code": ["Enter the postal code."]}
    }
    bad_quantity = [{"product_id": "OLJCESPC7Z", "quantity": 0}]
    response = APIClient().post(QUOTES, {"items": bad_quantity}, format="json")
    assert response.status_code == 400 and "at least 1" in response.json()["detail"]


def test_shipments_need_a_token():
    assert APIClient().get(SHIPMENTS).status_code == 401
    body = {"address": dataclasses.asdict(HOME), "items": ITEMS}
    assert APIClient().post(SHIPMENTS, body, format="json").status_code == 401


def test_create_list_and_replay_by_reference(api):
    body = {"address": dataclasses.asdict(HOME), "items": ITEMS, "reference": "order-9"}
    created = api.post(SHIPMENTS, body, format="json")
    assert created.status_code == 201, created.json()
    shipment = created.json()
    assert shipment["status"] == "created" and shipment["reference"] == "order-9"
    assert shipment["address"] == dataclasses.asdict(HOME) and shipment["items"] == ITEMS
    replay = api.post(SHIPMENTS, body, format="json")
    assert replay.status_code == 200 and replay.json() == shipment
    listed = api.get(SHIPMENTS).json()["results"]
    assert [item["tracking_id"] for item in listed] == [shipment["tracking_id"]]
    assert api.get(f"{SHIPMENTS}{shipment['tracking_id']}/").status_code == 200
    assert api.get(f"{SHIPMENTS}XX-0-0/").status_code == 404


def test_a_shipment_with_an_incomplete_address_is_400_and_not_stored(api):
    body = {"address": {"city": "Paris"}, "items": ITEMS}
    response = api.post(SHIPMENTS, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]["address"]) == {"street_address", "country", "zip_code"}
    assert not Shipment.objects.exists()
