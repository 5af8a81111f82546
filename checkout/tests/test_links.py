"""The order's absolute link: in the API answer it follows the request's host unless SITE_URL is
set; in the confirmation e-mail (sent without a request) it follows the port the shop was
started on unless SITE_URL is set."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from checkout.models import Order
from checkout.services import order_place
from testing.fixtures import VISA

pytestmark = pytest.mark.django_db

BODY = {
    "cart_id": "cart-123",
    "email": "ada@example.com",
    "address": {"street_address": "1 Main St", "city": "Springfield",
                "country": "United States", "zip_code": "62701"},
    "credit_card": {"number": VISA, "cvv": "672", "expiration_month": 1, "expiration_year": 2039},
}  # fmt: skip


def placed_access_url(**extra) -> str:
    response = APIClient().post(
        "/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="links-1", **extra
    )
    assert response.status_code == 201, response.content
    order = Order.objects.get(pk=response.json()["id"])
    path = f"/order/{order.id}?token={order.access_token}"
    return response.json()["access_url"].removesuffix(path)


def test_the_api_link_follows_the_request_host_when_site_url_is_unset(fakes, settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["shop.internal"]
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    assert placed_access_url(HTTP_HOST="shop.internal:9000") == "http://shop.internal:9000"


def test_the_api_link_follows_site_url_when_set(fakes, settings):
    settings.SITE_URL = "https://shop.example.com/"
    settings.ALLOWED_HOSTS = ["shop.internal"]
    fakes.cart.add_item("cart-123", "OLJCESPC7Z", 1)
    assert placed_access_url(HTTP_HOST="shop.internal:9000") == "https://shop.example.com"


@pytest.mark.parametrize(
    "site_url,origin",
    [("", "http://127.0.0.1:9123"), ("https://shop.example.com", "https://shop.example.com")],
)
def test_the_email_link_follows_the_port_unless_site_url_is_set(
    fakes, address, card, settings, django_capture_on_commit_callbacks, site_url, origin
):
    settings.SITE_URL, settings.PORT = site_url, 9123
    fakes.cart.add_item("visitor-1", "OLJCESPC7Z", 1)
    with django_capture_on_commit_callbacks(execute=True):
        result = order_place(user_id="visitor-1", user_currency="EUR", address=address,
                             email="ada@example.com", credit_card=card)  # fmt: skip
    order = Order.objects.get(pk=result.order_id)
    (email,) = mail.outbox
    assert f"{origin}/order/{order.id}?token={order.access_token}" in email.body
