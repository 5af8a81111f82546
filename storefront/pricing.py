"""The storefront's view of a cart: each line priced in the visitor's currency, shipping, total.

Only service clients are used, so this works whether the cart, catalog, currency and shipping
services are in-process or remote. A unit price is shown as on every storefront page
(storefront.prices.shown_price: converted, then rounded to the currency's minor unit); a line price
is the shown unit price times the quantity, and the total is the sum of what is shown, so what
the page shows adds up to what checkout charges.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.client import catalog_client
from shipping.client import shipping_client
from shop.dto import Cart, Product
from shop.errors import NotFound, ServiceUnavailable
from shop.money import Money, money_sum

from .prices import shown_price


@dataclass(frozen=True)
class PricedLine:
    product_id: str
    quantity: int
    # None when the shop no longer sells the product: shown, removable, not counted.
    product: Product | None
    unit_price: Money | None
    line_price: Money | None


@dataclass(frozen=True)
class PricedCart:
    currency: str
    lines: tuple[PricedLine, ...]
    subtotal: Money
    # None when the shipping service cannot quote right now.
    shipping: Money | None
    total: Money

    @property
    def size(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def product_ids(self) -> list[str]:
        return [line.product_id for line in self.lines]

    @property
    def categories(self) -> list[str]:
        """The categories of the products still sold (the ad banner's context keys)."""
        return sorted(
            {slug for line in self.lines if line.product for slug in line.product.categories}
        )


def _price_line(product_id: str, quantity: int, currency: str) -> PricedLine:
    try:
        product = catalog_client().get_product(product_id)
    except NotFound:
        return PricedLine(product_id, quantity, None, None, None)
    unit_price = shown_price(product.price_usd, currency)
    return PricedLine(product_id, quantity, product, unit_price, unit_price * quantity)


def cart_priced(cart: Cart, currency: str) -> PricedCart:
    lines = tuple(_price_line(i.product_id, i.quantity, currency) for i in cart.items)
    subtotal = money_sum([line.line_price for line in lines if line.line_price], currency)
    sold = [item for item, line in zip(cart.items, lines, strict=True) if line.product]
    shipping: Money | None = Money.zero(currency)
    if sold:
        try:
            # No address yet (the original quotes the cart the same way); checkout quotes again.
            shipping = shown_price(shipping_client().get_quote(None, sold), currency)
        except ServiceUnavailable:
            shipping = None
    total = subtotal + shipping if shipping is not None else subtotal
    return PricedCart(currency, lines, subtotal, shipping, total)
