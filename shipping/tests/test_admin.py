from decimal import Decimal

import pytest

from shipping.models import Shipment, ShippingRate
from shipping.services import shipment_create, shipping_quote
from shipping.tests.conftest import HOME, ITEMS

pytestmark = pytest.mark.django_db

SHIPMENTS = "/admin/shipping/shipment/"


def test_staff_edit_the_rate_in_the_admin(admin_client, admin_user):
    url = "/admin/shipping/shippingrate/1/change/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"flat_rate": "4.50", "free_shipping_threshold": ""})
    assert response.status_code == 302
    rate = ShippingRate.objects.get()
    assert rate.flat_rate == Decimal("4.50") and rate.updated_by == admin_user
    assert str(shipping_quote(address=None, items=ITEMS)) == "4.50 USD"
    refused = admin_client.post(url, {"flat_rate": "-1", "free_shipping_threshold": ""})
    assert refused.status_code == 200 and ShippingRate.objects.get().flat_rate == Decimal("4.50")
    assert admin_client.get("/admin/shipping/shippingrate/add/").status_code == 403


def test_status_actions_and_search(admin_client):
    tracking_id = shipment_create(address=HOME, items=ITEMS, reference="order-5")
    page = admin_client.get(SHIPMENTS, {"q": "order-5"}).content.decode()
    assert tracking_id in page
    pk = str(Shipment.objects.get().pk)
    admin_client.post(SHIPMENTS, {"action": "mark_shipped", "_selected_action": [pk]})
    assert Shipment.objects.get().status == "shipped"
    response = admin_client.post(
        SHIPMENTS, {"action": "mark_shipped", "_selected_action": [pk]}, follow=True
    )
    assert b"it cannot be marked shipped" in response.content
    admin_client.post(SHIPMENTS, {"action": "mark_delivered", "_selected_action": [pk]})
    assert Shipment.objects.get().status == "delivered"
    assert admin_client.get(SHIPMENTS, {"status": "delivered"}).status_code == 200
