"""The cart's storefront pages: view, add, update, remove, empty, bad input, outages."""

import os
import re

import pytest
from django.test import Client

from shop.errors import ServiceUnavailable

pytestmark = [pytest.mark.usefixtures("catalog", "rates", "shipping")]

SUNGLASSES, MUG = "OLJCESPC7Z", "6E92ZMYYFZ"


def add(client, product_id=SUNGLASSES, quantity="1"):
    return client.post("/cart", {"product_id": product_id, "quantity": quantity})


def shown_lines(client) -> dict[str, int]:
    """The cart page's lines still sold, as the shopper sees them: product id -> the quantity in
    its form, in the cart's order ({} for an empty cart)."""
    html = client.get("/cart").content.decode()
    forms = re.findall(r'<form method="post" action="/cart/update".*?</form>', html, re.S)
    return {
        re.search(r'name="product_id" value="([^"]+)"', form)[1]: int(
            re.search(r'name="quantity"[^>]*value="(\d+)"', form)[1]
        )
        for form in forms
    }


def shown_size(client) -> int:
    return sum(shown_lines(client).values())


def test_add_then_view_with_prices_shipping_and_total(any_store, client):
    response = add(client, SUNGLASSES, "2")
    assert response.status_code == 302 and response["Location"] == "/cart"
    add(client, MUG, "1")
    page = client.get("/cart")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sunglasses" in html and "Mug" in html
    assert "/static/img/products/sunglasses.jpg" in html
    # 2 x $19.99 + $8.99 + $8.99 shipping
    assert "$19.99" in html and "$39.98" in html and "$8.99" in html and "$57.96" in html
    # The storefront's header, as on every page: search, currency selector, cart size.
    assert 'role="search"' in html and 'action="/setCurrency"' in html
    assert 'aria-label="3 items in your cart">3<' in html
    assert 'action="/cart/checkout"' in html and 'name="credit_card_cvv"' in html
    assert html.count('<form class="checkout-form"') == 1  # checkout's one form, included
    assert page["Cache-Control"].startswith("max-age=0")


def test_adding_says_so_once_on_the_cart_page(any_store, client):
    response = add(client, SUNGLASSES, "2")
    assert response.status_code == 302 and response["Location"] == "/cart"  # the load generator
    html = client.get("/cart").content.decode()
    assert '<div class="messages" role="status">' in html
    assert "Added to your cart: 2 items." in html
    assert "Added to your cart" not in client.get("/cart").content.decode()  # shown once
    add(client, MUG, "1")
    assert "Added to your cart: 1 item." in client.get("/cart").content.decode()


def test_the_cart_page_after_an_add_is_its_cached_shell_with_the_message(any_store):
    """The page each add leads to is filled in from the cached shell, and is the page a full
    render shows: the same bytes, the message included."""
    from storefront import shells

    first, second = Client(), Client()
    add(first, SUNGLASSES, "2")
    with pytest.MonkeyPatch.context() as patch:  # the page rendered whole, as before
        patch.setattr(shells, "MESSAGES_MARKER", "<!--no such marker-->")
        full = first.get("/cart")  # the cart's fragment and shell cached, for the next shopper
    assert "storefront/base.html" in [template.name for template in full.templates]
    add(second, SUNGLASSES, "2")
    page = second.get("/cart")
    # The page is not rendered: the shell, filled in (a widget may still render its own).
    assert "storefront/base.html" not in [template.name for template in page.templates]
    html = page.content.decode()
    assert html.count("Added to your cart: 2 items.") == 1
    assert html == full.content.decode()
    assert "Added to your cart" not in second.get("/cart").content.decode()  # shown once


def test_a_shell_cached_without_a_place_for_messages_still_shows_them(any_store, monkeypatch):
    """A shell an older release cached has no marker for messages: with one waiting, the page
    is rendered around the fragment, as before."""
    from storefront import shells

    client = Client()
    add(client, SUNGLASSES, "1")
    client.get("/cart")  # the shell cached; the message shown
    monkeypatch.setattr(shells, "MESSAGES_MARKER", "<!--no such marker-->")
    add(client, MUG, "1")
    client.get("/cart")
    add(client, MUG, "1")
    page = client.get("/cart")
    assert "storefront/base.html" in [template.name for template in page.templates]
    assert page.content.decode().count("Added to your cart: 1 item.") == 1


def test_prices_in_the_visitors_currency_add_up(use_database, client):
    add(client, SUNGLASSES, "3")
    client.cookies["shop_currency"] = "EUR"
    html = client.get("/cart").content.decode()
    # 19.99 USD = 17.68 EUR shown; the line is 3 x 17.68; shipping 8.99 USD = 7.95 EUR.
    assert all(price in html for price in ("17,68\xa0€", "53,04\xa0€", "7,95\xa0€", "60,99\xa0€"))
    assert '<option value="EUR" selected>' in html


def test_an_unknown_currency_cookie_falls_back_to_usd(use_database, client):
    add(client)
    client.cookies["shop_currency"] = "XXX"
    assert "$19.99" in client.get("/cart").content.decode()


@pytest.mark.parametrize(
    "quantity,status,reason",
    [
        ("0", 422, "from 1 to 10, not 0"),
        ("11", 422, "from 1 to 10, not 11"),
        ("two", 422, "whole number from 1 to 10"),
        ("", 422, "whole number from 1 to 10"),
    ],
)
def test_bad_quantity_is_a_page_with_the_reason_and_no_change(
    any_store, client, quantity, status, reason
):
    add(client, MUG, "1")
    response = add(client, MUG, quantity)
    assert response.status_code == status
    assert reason in response.content.decode()
    assert shown_size(client) == 1


def test_unknown_product_is_a_404_page_and_no_change(any_store, client):
    add(client, MUG, "1")
    response = add(client, "NOSUCHPROD", "1")
    assert response.status_code == 404
    assert "NOSUCHPROD" in response.content.decode()
    assert shown_size(client) == 1


def test_update_and_remove_lines(any_store, client):
    add(client, SUNGLASSES, "2")
    add(client, MUG, "1")
    assert (
        client.post("/cart/update", {"product_id": SUNGLASSES, "quantity": "7"}).status_code == 302
    )
    assert shown_lines(client) == {SUNGLASSES: 7, MUG: 1}
    client.post("/cart/update", {"product_id": MUG, "quantity": "0"})
    assert client.post("/cart/remove", {"product_id": SUNGLASSES})["Location"] == "/cart"
    assert "Your cart is empty." in client.get("/cart").content.decode()
    bad = client.post("/cart/update", {"product_id": SUNGLASSES, "quantity": "100"})
    assert bad.status_code == 422 and "from 0 to 99" in bad.content.decode()


def test_empty_redirects_home(any_store, client):
    add(client)
    response = client.post("/cart/empty")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Your cart is empty" in client.get("/cart").content.decode()


def test_one_visitor_never_sees_anothers_cart(any_store):
    alice, bob = Client(), Client()
    add(alice, SUNGLASSES, "2")
    add(bob, MUG, "5")
    assert shown_lines(alice) == {SUNGLASSES: 2} and shown_lines(bob) == {MUG: 5}
    bob.post("/cart/empty")
    assert shown_size(alice) == 2
    # A made-up session cookie is not a way into a cart.
    stranger = Client()
    stranger.cookies["sessionid"] = "x" * 32
    assert "Your cart is empty." in stranger.get("/cart").content.decode()


def test_a_first_visit_to_the_cart_creates_no_session(any_store, client):
    response = client.get("/cart")
    assert response.status_code == 200 and "sessionid" not in response.cookies


def test_sessions_live_in_redis_when_it_is_configured(use_redis, client):
    from django_redis import get_redis_connection

    add(client)
    session_key = client.cookies["sessionid"].value
    keys = [key.decode() for key in get_redis_connection("sessions").keys("*")]
    assert any(key.endswith(session_key) for key in keys)
    assert f"cart:{session_key}" in keys


def test_a_product_no_longer_sold_is_shown_removable_and_not_counted(use_database, client):
    from catalog.models import Product

    add(client, SUNGLASSES, "1")
    add(client, MUG, "1")
    # Saved, as staff do (the save's signal drops the products held in memory).
    mug = Product.objects.get(pk=MUG)
    mug.is_active = False
    mug.save()
    page = client.get("/cart")
    assert page.status_code == 200
    assert "no longer sold" in page.content.decode()
    assert "$28.98" in page.content.decode()  # 19.99 + 8.99 shipping, the mug left out
    client.post("/cart/remove", {"product_id": MUG})
    assert shown_size(client) == 1


def test_shipping_outage_leaves_the_page_usable(use_database, client):
    from shop import registry

    class DownShipping:
        def get_quote(self, address, items):
            raise ServiceUnavailable("The shipping service is not answering right now.")

    add(client)
    with registry.override("shipping", DownShipping()):
        html = client.get("/cart").content.decode()
    assert "calculated at checkout" in html and "$19.99 plus shipping" in re.sub(
        r"<[^>]+>", "", html
    )
    # The page without a quote was not kept: once shipping answers, the cart is quoted again.
    assert "$28.98" in client.get("/cart").content.decode()  # 19.99 + 8.99 shipping


@pytest.mark.redis
def test_redis_outage_is_a_503_page_and_heals_by_itself(use_redis, client):
    from currency.client import currency_client
    from shop.money import Money

    add(client, MUG, "2")
    use_redis.halt()
    try:
        for response in (
            client.get("/cart"),
            add(client, MUG, "1"),
            client.post("/cart/update", {"product_id": MUG, "quantity": "3"}),
            client.post("/cart/remove", {"product_id": MUG}),
            client.post("/cart/empty"),
            Client().post("/cart", {"product_id": MUG, "quantity": "1"}),  # a new visitor
        ):
            assert response.status_code == 503
            assert "cart is temporarily unavailable" in response.content.decode()
            assert response["Retry-After"] == "5"
            # The visitor keeps the session cookie, so the cart is theirs again afterwards.
            assert "sessionid" not in response.cookies
        # Browsing goes on: prices still convert (the rate cache misses instead of failing).
        assert currency_client().convert(Money("19.99", "USD"), "EUR").rounded().amount
        assert client.get("/_healthz").status_code == 200
    finally:
        use_redis.start()
    # Redis is back (empty: the test server keeps nothing on disk); the shop works again.
    assert client.get("/cart").status_code == 200
    assert add(client, MUG, "1").status_code == 302
    assert shown_size(client) == 1


@pytest.mark.redis
def test_the_cart_is_the_visitors_again_after_an_outage(
    use_redis, settings, redis_settings_template, client
):
    from testing.fixtures import point_at_redis
    from testing.servers import free_port

    add(client, MUG, "2")
    # Unreachable without losing data: the shop points at a port where nothing listens.
    point_at_redis(settings, redis_settings_template, f"redis://127.0.0.1:{free_port()}/0")
    assert client.get("/cart").status_code == 503
    assert add(client, MUG, "1").status_code == 503
    point_at_redis(settings, redis_settings_template, use_redis.url)
    assert shown_size(client) == 2


@pytest.mark.redis
def test_during_a_redis_outage_browsing_goes_on_and_the_cart_survives(use_redis, client):
    from django_redis import get_redis_connection

    add(client, MUG, "2")
    session_key = client.cookies["sessionid"].value
    # A production Redis persists; the suite's server keeps nothing unless told to snapshot.
    get_redis_connection("default").save()
    use_redis.halt()
    try:
        for path in ("/", f"/product/{SUNGLASSES}"):
            page = client.get(path)
            assert page.status_code == 200
            html = page.content.decode()
            assert 'href="/cart">Cart</a>' in html and 'class="cart-size"' not in html
            assert "sessionid" not in page.cookies  # neither deleted nor replaced
        cart_page = client.get("/cart")
        assert cart_page.status_code == 503 and "sessionid" not in cart_page.cookies
    finally:
        use_redis.start()
        os.remove(os.path.join(use_redis.dir, "dump.rdb"))
    assert client.cookies["sessionid"].value == session_key
    assert 'aria-label="2 items in your cart">2<' in client.get("/").content.decode()
    product_page = client.get(f"/product/{SUNGLASSES}").content.decode()
    assert 'aria-label="2 items in your cart">2<' in product_page
    assert shown_lines(client) == {MUG: 2}


def test_the_cart_page_fetches_its_products_in_one_catalog_call(use_database, client):
    from catalog.local import LocalCatalogClient
    from shop import registry
    from testing.fakes import Recording

    for product_id in (SUNGLASSES, MUG, "9SIQT8TOJO"):
        add(client, product_id, "1")
    catalog = Recording(LocalCatalogClient())
    with registry.override("catalog", catalog):
        page = client.get("/cart")
    assert page.status_code == 200 and "Mug" in page.content.decode()
    assert catalog.calls == ["get_products"]
