"""The storefront's checkout: POST /cart/checkout and the customer's order page."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from checkout.models import Order
from shop import registry
from shop.errors import InvalidArgument
from shop.observability.logs import JsonLineFormatter
from storefront.tests.support import DownCart
from testing.fakes import FakeCart, FakePayment, FakeServiceDown, FakeShipping
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


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("credit_card_number", "٤١١١ ١١١١ ١١١١ ١١١١", "Enter the 12 to 19 digits"),
        ("credit_card_number", "4111 1111 1111 111²", "Enter the 12 to 19 digits"),
        ("credit_card_cvv", "٦٧٢", "Enter the 3 or 4 digit security code."),
    ],
)
def test_non_ascii_digits_are_refused_at_their_field(client, fakes, visitor, field, value, message):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    response = client.post("/cart/checkout", FORM | {field: value})
    assert response.status_code == 422 and message in response.content.decode()
    assert not Order.objects.exists() and not fakes.payment.charges


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
    assert "Your card has not been charged." in response.content.decode()  # voided: true
    assert fakes.payment.voids and fakes.cart.get_cart(visitor).size == 1


def test_the_order_page_needs_its_token(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    client.post("/cart/checkout", FORM)
    order = Order.objects.get()
    assert client.get(f"/order/{order.id}?token=guess").status_code == 404
    assert client.get(f"/order/{order.id}").status_code == 404
    response = client.get(f"/order/{order.id}?token={order.access_token}", follow=True)
    assert response.status_code == 200 and order.tracking_id in response.content.decode()


def test_the_order_link_trades_its_token_for_a_cookie_of_that_order_and_a_clean_url(
    client, fakes, visitor
):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    client.post("/cart/checkout", FORM)
    order = Order.objects.get()
    clean = f"/order/{order.id}"
    link = client.get(f"{clean}?token={order.access_token}")
    assert link.status_code == 302 and link["Location"] == clean
    cookie = link.cookies["order_access"]
    assert cookie["path"] == clean and cookie["httponly"] and cookie["samesite"] == "Lax"
    page = client.get(clean)
    assert page.status_code == 200 and order.tracking_id in page.content.decode()
    # A cookie that was not signed by the shop opens nothing.
    client.cookies["order_access"] = order.access_token
    assert client.get(clean).status_code == 404


def test_a_second_checkout_of_the_cart_shows_the_first_until_it_is_decided(client, fakes, visitor):
    """Another submission of the cart (here another e-mail) while the first is being charged:
    no second charge, a page that reloads itself into the first order's page, which reloads
    itself while the order is pending and stops once it is decided (here: failed)."""
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    client.post("/cart/checkout", FORM)
    order = Order.objects.get()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PENDING, cart_emptied_at=None)
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)

    response = client.post("/cart/checkout", FORM | {"email": "eve@example.com"})
    order_path = f"/order/{order.id}?token={order.access_token}"
    assert response.status_code == 202 and response["Refresh"] == f"2; url={order_path}"
    assert "Your order is being processed" in response.content.decode()
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1
    # The link trades its token for the order's cookie; the clean page reloads itself.
    response = client.get(order_path, follow=True)
    assert response["Refresh"] == "2" and "reloads itself" in response.content.decode()

    Order.objects.filter(pk=order.pk).update(status=Order.Status.FAILED)
    response = client.get(f"/order/{order.id}")
    assert response.status_code == 200 and "Refresh" not in response
    assert "try again from your cart" in response.content.decode()


def test_a_second_checkout_of_a_cart_just_bought_shows_that_order(client, fakes, visitor):
    def cart_service_down(user_id):
        raise FakeServiceDown()

    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    fakes.cart.empty_cart = cart_service_down  # the order is paid, the cart still full
    client.post("/cart/checkout", FORM)
    response = client.post("/cart/checkout", FORM | {"email": "eve@example.com"})
    order = Order.objects.get()
    assert response.status_code == 200 and str(order.id) in response.content.decode()
    assert len(fakes.payment.charges) == 1


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


def form_field(page: str, name: str) -> str:
    return re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', page).group()


def test_the_card_number_is_a_visible_numeric_field_that_is_never_echoed(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    field = form_field(client.get("/cart").content.decode(), "credit_card_number")
    assert 'type="text"' in field and 'autocomplete="cc-number"' in field
    assert 'inputmode="numeric"' in field
    grouped = "4432 8015 6152 0454"
    page = client.post("/cart/checkout", FORM | {"credit_card_number": grouped, "city": ""})
    html = page.content.decode()
    assert page.status_code == 422 and "value=" not in form_field(html, "credit_card_number")
    assert (
        grouped not in html
        and VISA not in html
        and "value=" not in form_field(html, "credit_card_cvv")
    )


def test_expiry_years_start_at_the_current_year(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    html = client.get("/cart").content.decode()
    select = re.search(r'name="credit_card_expiration_year".*?</select>', html, re.S).group()
    this_year = timezone.now().year
    assert re.findall(r'<option value="(\d+)"', select) == [
        str(year) for year in range(this_year, this_year + 10)
    ]


def test_a_refused_card_is_shown_at_the_card_number_field(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    response = client.post("/cart/checkout", FORM | {"credit_card_number": "378282246310005"})
    html = response.content.decode()
    assert response.status_code == 422
    error = re.search(r'<span class="field-error" id="id_credit_card_number_error">([^<]*)<', html)
    assert "Only VISA or MasterCard is accepted." in error.group(1)
    assert html.count("Only VISA or MasterCard is accepted.") == 1  # not above the form too
    field = form_field(html, "credit_card_number")
    assert (
        'aria-invalid="true"' in field and 'aria-describedby="id_credit_card_number_error"' in field
    )
    assert "Please correct the highlighted fields." in html


def test_an_expired_card_is_shown_at_the_expiry_year(client, catalog):
    """The real payment service (its refusal names no field): the error's code places it."""
    cart = FakeCart()
    with registry.override("cart", cart), registry.override("shipping", FakeShipping()):
        client.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": "1"})
        last_year = str(timezone.now().year - 1)
        response = client.post("/cart/checkout", FORM | {"credit_card_expiration_year": last_year})
    html = response.content.decode()
    assert response.status_code == 422
    error = re.search(r'id="id_credit_card_expiration_year_error">([^<]*)<', html).group(1)
    assert "expired" in error


def test_a_bank_refusal_is_shown_at_the_card_number_field(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    fakes.payment.DECLINED_NUMBERS = {VISA}
    html = client.post("/cart/checkout", FORM).content.decode()
    assert 'id="id_credit_card_number_error">Your card was declined by the bank.<' in html


def test_a_problem_about_no_field_of_the_form_is_shown_above_it(client, fakes, visitor):
    class OddPayment(FakePayment):
        def charge(self, amount, card, *, idempotency_key=None):
            raise InvalidArgument("Not payable.", fields={"amount": ["The amount is not valid."]})

    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    with registry.override("payments", OddPayment()):
        html = client.post("/cart/checkout", FORM).content.decode()
    assert '<ul class="form-errors"><li>The amount is not valid.</li></ul>' in html


def test_the_error_page_keeps_the_order_summary_beside_the_form(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 2)
    client.cookies["shop_currency"] = "EUR"
    response = client.post("/cart/checkout", FORM | {"city": ""})
    assert response.status_code == 422
    summary = response.content.decode().split('<aside class="order-summary"', 1)[1]
    summary = summary.split("</aside>", 1)[0]
    assert "Sunglasses" in summary and "× 2" in summary
    assert all(price in summary for price in ("35,36\xa0€", "7,95\xa0€", "43,31\xa0€"))


def test_the_error_page_goes_without_a_summary_when_the_cart_is_down(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    with registry.override("cart", DownCart()):
        response = client.post("/cart/checkout", FORM | {"city": ""})
    html = response.content.decode()
    assert response.status_code == 422 and 'class="order-summary"' not in html
    assert 'value="1600 Amphitheatre Parkway"' in html


def test_place_order_is_the_primary_action_of_the_cart_page(client, fakes, visitor):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    html = client.get("/cart").content.decode()
    assert '<button class="button button-primary" type="submit">Place order</button>' in html
    assert '<a class="button button-quiet" href="/">Continue shopping</a>' in html
    assert html.count("button-primary") == 1
    summary = html.split('<aside class="order-summary"', 1)[1].split("</aside>", 1)[0]
    assert "Sunglasses" in summary and "$8.99" in summary and "$28.98" in summary


def test_the_order_token_is_in_no_log_record_of_its_link_or_page(client, fakes, visitor, caplog):
    fakes.cart.add_item(visitor, "OLJCESPC7Z", 1)
    client.post("/cart/checkout", FORM)
    order = Order.objects.get()
    caplog.set_level("DEBUG")
    assert (
        client.get(f"/order/{order.id}?token={order.access_token}", follow=True).status_code == 200
    )
    assert client.get(f"/order/{order.id}?token=wrong-{order.access_token}").status_code == 404
    lines = [JsonLineFormatter().format(record) for record in caplog.records]
    assert any("/order/<uuid:order_id>" in line for line in lines)  # the request lines
    assert not [line for line in lines if order.access_token in line]
