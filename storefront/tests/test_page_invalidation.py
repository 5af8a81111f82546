"""Every write path of the catalog and the rates reaches the storefront's cached pages at once
(storefront.pagecache), and a price shown is the price charged."""

import json
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from currency.services import rates_update
from storefront.tests.support import choose_currency
from testing.fixtures import FORM

SUNGLASSES = "OLJCESPC7Z"
PAGE = f"/product/{SUNGLASSES}"


def product_model():
    return apps.get_model("catalog", "Product")


@pytest.fixture
def cached_page(shop_data, client):
    """The sunglasses' page, cached: a change behind the cache's back (no signal, no memo) is
    not shown yet."""
    assert "$19.99" in client.get(PAGE).content.decode()
    product_model().objects.filter(pk=SUNGLASSES).update(name="Unseen glasses")
    assert "Unseen glasses" not in client.get(PAGE).content.decode()
    return client


def test_an_admin_edit_shows_at_once(cached_page, admin_client):
    response = admin_client.post(
        f"/admin/catalog/product/{SUNGLASSES}/change/",
        {"name": "Sunglasses", "description": "d", "picture": "", "price_amount": "24.50",
         "categories": ["accessories"], "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "$24.50" in cached_page.get(PAGE).content.decode()


def test_import_catalog_shows_at_once(cached_page, tmp_path):
    path = tmp_path / "products.json"
    row = {"id": SUNGLASSES, "name": "Imported glasses", "description": "d", "picture": "/s.svg",
           "priceUsd": {"currencyCode": "USD", "units": 3, "nanos": 0},
           "categories": ["accessories"]}  # fmt: skip
    path.write_text(json.dumps({"products": [row]}))
    call_command("import_catalog", str(path), verbosity=0)
    page = cached_page.get(PAGE).content.decode()
    assert "Imported glasses" in page and "$3.00" in page


def test_seed_catalog_shows_at_once(cached_page):
    call_command("seed_catalog", "--products", "10", "--seed", "1", verbosity=0)
    # The seed changed no demo product, but it wrote the tables: the cached page was dropped,
    # so the change made behind its back now shows too.
    assert "Unseen glasses" in cached_page.get(PAGE).content.decode()


def test_the_rate_feed_shows_at_once(cached_page):
    choose_currency(cached_page, "EUR")
    assert "17,68\xa0€" in cached_page.get(PAGE).content.decode()
    rates_update(rates_per_eur={"USD": Decimal("1.25")})
    assert "15,99\xa0€" in cached_page.get(PAGE).content.decode()  # 19.99 / 1.25


def test_a_price_shown_is_the_price_charged_after_staff_change_it(shop_data, admin_client):
    shopper = Client()
    choose_currency(shopper, "EUR")
    assert "17,68\xa0€" in shopper.get(PAGE).content.decode()
    shopper.post("/cart", {"product_id": SUNGLASSES, "quantity": "2"})
    admin_client.post(
        f"/admin/catalog/product/{SUNGLASSES}/change/",
        {"name": "Sunglasses", "description": "d", "picture": "", "price_amount": "22.61",
         "categories": ["accessories"], "is_active": "on"},
    )  # fmt: skip
    shown = "20,00\xa0€"  # 22.61 / 1.1305
    assert shown in shopper.get(PAGE).content.decode()
    cart_page = shopper.get("/cart").content.decode()
    assert re.search(rf'cart-unit-price"><span class="price">{shown}<', cart_page)
    assert "40,00\xa0€" in cart_page
    confirmation = shopper.post("/cart/checkout", FORM)
    assert confirmation.status_code == 200, confirmation.content.decode()[:2000]
    line = apps.get_model("checkout", "OrderLine").objects.get(product_id=SUNGLASSES)
    assert (line.unit_price, line.order.currency) == (Decimal("20.00"), "EUR")
    assert shown in confirmation.content.decode()


def test_a_cached_cart_page_shows_every_edit_at_once(
    shop_data, admin_client, django_capture_on_commit_callbacks
):
    """The priced cart is cached per lines and currency: each write path of what prices it (a
    product, the rates, the shipping rate) shows on the next view of the same cart."""
    shopper = Client()
    shopper.post("/cart", {"product_id": SUNGLASSES, "quantity": "2"})
    page = shopper.get("/cart").content.decode()
    assert "$39.98" in page and "$8.99" in page and "$48.97" in page
    admin_client.post(
        f"/admin/catalog/product/{SUNGLASSES}/change/",
        {"name": "Sunglasses", "description": "d", "picture": "", "price_amount": "24.50",
         "categories": ["accessories"], "is_active": "on"},
    )  # fmt: skip
    assert "$49.00" in shopper.get("/cart").content.decode()
    choose_currency(shopper, "EUR")
    assert "43,34\xa0€" in shopper.get("/cart").content.decode()  # 49.00 / 1.1305
    rates_update(rates_per_eur={"USD": Decimal("1.25")})
    assert "39,20\xa0€" in shopper.get("/cart").content.decode()  # 49.00 / 1.25
    rate = apps.get_model("shipping", "ShippingRate").objects.get(pk=1)
    rate.flat_rate = Decimal("4.50")
    with django_capture_on_commit_callbacks(execute=True):
        rate.save()
    assert "3,60\xa0€" in shopper.get("/cart").content.decode()  # 4.50 / 1.25
