"""REST orders/: public placement with Idempotency-Key, token reads, the access link."""

import pytest
from rest_framework.test import APIClient

from checkout.models import Order
from testing.api import token_client
from testing.fixtures import VISA

pytestmark = pytest.mark.django_db

BODY = {
    "cart_id": "cart-123",
    "currency": "EUR",
    "email": "ada@example.com",
    "address": {"street_address": "1 Main St", "city": "Springfield", "state": "IL",
                "country": "United States", "zip_code": "62701"},
    "credit_card": {"number": VISA, "cvv": "672", "expiration_month": 1, "expiration_year": 2039},
}  # fmt: skip


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff():
    return token_client("staff", is_staff=True)


@pytest.fixture
def integrator():
    return token_client("integrator", is_staff=False)


def place(client, body=BODY, key="k-default"):
    return client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_placing_with_a_key_twice_returns_the_same_order(api, fakes):
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    first = api.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    body = first.json()
    assert body["status"] == "paid" and body["total"] == {"currency": "EUR", "amount": "25.63"}
    assert body["items"][0]["unit_price"] == {"currency": "EUR", "amount": "17.68"}
    assert "token=" in body["access_url"] and VISA not in first.content.decode()
    again = api.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert len(fakes.payment.charges) == 1


def test_the_same_key_with_another_body_is_a_409_problem(api, fakes):
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    api.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = BODY | {"email": "eve@example.com"}
    response = api.post("/api/v1/orders/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_key_reused"


def test_invalid_bodies_and_an_empty_cart_are_clear_4xx(api, fakes):
    bad = BODY | {"email": "x", "address": {"city": "Springfield"}}
    response = place(api, bad, key="k-bad")
    assert response.status_code == 400
    assert {"email", "address"} <= set(response.json()["errors"])
    assert set(response.json()["errors"]["address"]) == {"street_address", "country", "zip_code"}
    response = place(api, key="k-empty")
    assert response.status_code == 422 and response.json()["code"] == "cart_empty"
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    # A mistyped number (bad check digit) is invalid input; a card we will not charge, declined.
    mistyped = BODY | {"credit_card": BODY["credit_card"] | {"number": "4432801561520453"}}
    response = place(api, mistyped, key="k-mistyped")
    assert response.status_code == 400 and "not valid" in response.json()["detail"]
    amex = BODY | {"credit_card": BODY["credit_card"] | {"number": "378282246310005"}}
    response = place(api, amex, key="k-declined")
    assert response.status_code == 402 and "Only VISA or MasterCard" in response.json()["detail"]


def test_the_key_is_required_and_bounded(api, fakes):
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    missing = api.post("/api/v1/orders/", BODY, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"
    too_long = place(api, key="k" * 256)
    assert too_long.status_code == 400 and too_long.json()["code"] == "idempotency_key_invalid"
    assert not Order.objects.exists()


def test_listing_needs_staff_and_reading_needs_staff_or_the_link(staff, integrator, fakes):
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    placed = place(APIClient()).json()
    order = Order.objects.get()
    assert APIClient().get("/api/v1/orders/").status_code == 401
    assert integrator.get("/api/v1/orders/").status_code == 403
    listing = staff.get("/api/v1/orders/").json()
    assert [order["id"] for order in listing["results"]] == [placed["id"]]
    assert listing["next"] is None
    detail = f"/api/v1/orders/{order.id}/"
    assert APIClient().get(detail).status_code == 404
    assert APIClient().get(detail, {"token": "guess"}).status_code == 404
    mine = APIClient().get(detail, {"token": order.access_token})
    assert mine.status_code == 200 and mine.json()["tracking_id"] == order.tracking_id
    assert "access_url" not in mine.json()
    assert staff.get(detail).status_code == 200
    # A token alone is no access link: a non-staff integrator sees what a stranger sees.
    assert integrator.get(detail).status_code == 404
