"""The cart page's prices: the cart priced by the one pricing rule (shop.pricing), with the
products, quote and conversions fetched through the service clients, so it works whether those
services are in-process or remote, and shows exactly what checkout will charge."""

from __future__ import annotations

from catalog.client import catalog_client
from currency.client import currency_client
from shipping.client import shipping_client
from shop.dto import Cart
from shop.errors import ServiceUnavailable
from shop.money import Money
from shop.pricing import PricedCart, cart_priced, sold_items


def cart_page_priced(cart: Cart, currency: str) -> PricedCart:
    # Absent from the answer: no longer sold (shown, removable, not counted).
    products = catalog_client().get_products([item.product_id for item in cart.items])
    sold = sold_items(cart.items, products)
    shipping_usd: Money | None = Money.zero(currency)  # nothing to ship costs nothing anywhere
    if sold:
        try:
            # No address yet (the original quotes the cart the same way); checkout quotes again.
            shipping_usd = shipping_client().get_quote(None, sold)
        except ServiceUnavailable:
            shipping_usd = None
    return cart_priced(
        cart.items,
        currency,
        products=products,
        convert=currency_client().convert,
        shipping_usd=shipping_usd,
    )
