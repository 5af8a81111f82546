"""Helpers of the storefront tests: fake carts and currency services, larger catalogs, visitors."""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.test import Client

from shop.dto import Cart, CartItem
from shop.errors import ServiceUnavailable
from shop.money import Money

DEMO_IDS = ["OLJCESPC7Z", "66VCHSJNUP", "1YMWWN1N4O", "L9ECAV7KIM", "2ZYFJ3GM2N",
            "0PUK6V6EV0", "LS4PSXUNUM", "9SIQT8TOJO", "6E92ZMYYFZ"]  # fmt: skip


class FakeCart:
    """Carts by user id, as the cart service keeps them."""

    def __init__(self) -> None:
        self.items: dict[str, list[CartItem]] = {}

    def get_cart(self, user_id: str) -> Cart:
        return Cart(user_id=user_id, items=tuple(self.items.get(user_id, ())))


class DownCart(FakeCart):
    def get_cart(self, user_id: str) -> Cart:
        raise ServiceUnavailable("The cart is down.")


class DownCurrency:
    def supported_currencies(self) -> list[str]:
        raise ServiceUnavailable()

    def convert(self, money: Money, to_currency: str) -> Money:
        raise ServiceUnavailable()


def add_products(count: int, *, first: int = 0, category: str | None = None) -> None:
    """Generated products beyond the demo nine, for grids of more than one page.

    Test data only: the catalog has no service to create products yet (its seed_catalog command
    comes with the catalog issue), so the rows are written through the app registry.
    """
    product_model = apps.get_model("catalog", "Product")
    products = product_model.objects.bulk_create(
        product_model(
            id=f"GEN{n:07d}",
            name=f"Generated item {n:03d}",
            description="A generated product for a larger catalog.",
            picture="/static/img/products/sunglasses.jpg",
            price_amount=Decimal("10.00") + n,
        )
        for n in range(first, first + count)
    )
    if category:
        slot = apps.get_model("catalog", "Category").objects.get(slug=category)
        through = product_model.categories.through
        through.objects.bulk_create(through(product=p, category=slot) for p in products)


def choose_currency(client: Client, code: str) -> None:
    assert client.post("/setCurrency", {"currency_code": code}).status_code == 302


def with_session(client: Client) -> str:
    """Gives the test client a stored session, as a visitor who has been here before."""
    session = client.session
    session.save()
    client.cookies["sessionid"] = session.session_key
    return session.session_key
