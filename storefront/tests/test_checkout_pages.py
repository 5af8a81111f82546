"""The storefront's checkout: POST /cart/checkout and the customer's order page."""

import pytest
from django.core import mail

from checkout.models import Order
from shop import registry
from testing.fakes import FakePayment, FakeShipping
from testing.fixtures import FORM, VISA

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor(client):
    """A visitor with a session (the cart's owner), as after adding to the cart."""
    session = client.session
    session.save()
    client.cookies["sessionid"] = session.session_key
    return session.session_key


def test_checkout_shows_the_confirmation_in_the_chosen_currency(
    client, fakes, visitor, django_capture_on_commit_callbacks
):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 2)
    client.cookies["shop_currency"] = "EUR"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cart/checkout", FORM)
    assert response.status_code == 200
    order = Order.objects.get()
    page = response.content.decode()
    assert str(order.id) in page and order.tracking_id in page and "Sunglasses" in page
    assert all(price in page for price in ("17,68\xa0€", "35,36\xa0€", "7,95\xa0€", "43,31\xa0€"))
    assert f"/order/{order.id}?token={order.access_token}" in page
    assert 'class="search-form"' in page and 'aria-label="0 items in your cart"' in page
    assert order.user_id == visitor and fakes.cart.get_cart(visitor).size == 0
    assert len(mail.outbox) == 1


def test_invalid_input_shows_each_problem_with_the_form_refilled_but_never_the_card(
    client, fakes, visitor
):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    bad = FORM | {"email": "nope", "credit_card_expiration_month": "13", "city": ""}
    response = client.post("/cart/checkout", bad)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert "Ensure this value is less than or equal to 12." in page
    assert "This field is required." in page
    assert 'value="1600 Amphitheatre Parkway"' in page
    assert VISA not in page and 'value="672"' not in page
    # The storefront's page: its header, with the visitor's cart size.
    assert 'class="search-form"' in page and 'aria-label="1 item in your cart"' in page
    assert not Order.objects.exists() and fakes.cart.get_cart(visitor).size == 1


def test_a_declined_card_is_a_422_with_the_reason_and_the_cart_is_kept(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    amex = "378282246310005"
    response = client.post("/cart/checkout", FORM | {"credit_card_number": amex})
    assert response.status_code == 422
    assert "Only VISA or MasterCard is accepted." in response.content.decode()
    assert amex not in response.content.decode()
    assert fakes.cart.get_cart(visitor).size == 1


def test_an_empty_cart_is_a_clear_page(client, fakes, visitor):
    response = client.post("/cart/checkout", FORM)
    assert response.status_code == 422
    assert "Your cart is empty" in response.content.decode()


def test_shipping_down_is_a_503_page_and_the_charge_is_voided(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    fakes.shipping.ship_down = True
    response = client.post("/cart/checkout", FORM)
    assert response.status_code == 503
    assert "shipping service is not answering" in response.content.decode()
    assert fakes.payment.voids and fakes.cart.get_cart(visitor).size == 1


def test_the_order_page_needs_its_token(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    client.post("/cart/checkout", FORM)
    order = Order.objects.get()
    response = client.get(f"/order/{order.id}?token={order.access_token}")
    assert response.status_code == 200 and order.tracking_id in response.content.decode()
    assert client.get(f"/order/{order.id}?token=guess").status_code == 404
    assert client.get(f"/order/{order.id}").status_code == 404


def test_checkout_buys_the_cart_the_storefront_filled(client, catalog):
    """The cart page and the checkout name the visitor alike (storefront.session.visitor_id)."""
    payment, shipping = FakePayment(), FakeShipping()
    with registry.override("payments", payment), registry.override("shipping", shipping):
        client.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": "2"})
        response = client.post("/cart/checkout", FORM)
    assert response.status_code == 200
    visitor = client.cookies["sessionid"].value
    order = Order.objects.get()
    assert order.user_id == visitor and [line.quantity for line in order.lines.all()] == [2]
    assert len(payment.charges) == 1
    assert "Your cart is empty." in client.get("/cart").content.decode()
