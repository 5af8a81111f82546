"""REST orders/: public placement with Idempotency-Key, token reads, the access link."""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from checkout.models import Order

from .conftest import VISA

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
def integrator(api):
    user = User.objects.create_user("integrator")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


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
    response = api.post("/api/v1/orders/", bad, format="json")
    assert response.status_code == 400
    assert {"email", "address"} <= set(response.json()["errors"])
    response = api.post("/api/v1/orders/", BODY, format="json")
    assert response.status_code == 422 and response.json()["code"] == "cart_empty"
    declined = BODY | {"credit_card": BODY["credit_card"] | {"number": "4432801561520453"}}
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    response = api.post("/api/v1/orders/", declined, format="json")
    assert response.status_code == 402 and "not valid" in response.json()["detail"]


def test_listing_needs_a_token_and_reading_needs_a_token_or_the_link(api, integrator, fakes):
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    placed = APIClient().post("/api/v1/orders/", BODY, format="json").json()
    order = Order.objects.get()
    assert APIClient().get("/api/v1/orders/").status_code == 401
    listing = integrator.get("/api/v1/orders/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == placed["id"]
    detail = f"/api/v1/orders/{order.id}/"
    assert APIClient().get(detail).status_code == 404
    assert APIClient().get(detail, {"token": "guess"}).status_code == 404
    mine = APIClient().get(detail, {"token": order.access_token})
    assert mine.status_code == 200 and mine.json()["tracking_id"] == order.tracking_id
    assert "access_url" not in mine.json()
    assert integrator.get(detail).status_code == 200
