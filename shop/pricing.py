"""What a cart costs in the customer's currency: the one rule behind the cart page, checkout,
the REST API and gRPC, so that what is shown is what is charged by construction.

A price is shown converted, then rounded to the currency's minor unit (`shown_price`); a line
costs its shown unit price times the quantity; shipping is the quote converted and rounded the
same way; the subtotal and total are sums of what is shown. Pure arithmetic: the callers fetch
products, quotes and conversions through the service clients and pass them in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .dto import CartItem, Product
from .money import Money, money_sum

Convert = Callable[[Money, str], Money]


def shown_price(money: Money, currency: str, convert: Convert) -> Money:
    """`money` as a customer sees it in `currency`: converted, then rounded to the minor unit."""
    if money.currency != currency:
        money = convert(money, currency)
    return money.rounded()


@dataclass(frozen=True)
class PricedLine:
    product_id: str
    quantity: int
    # None when the shop no longer sells the product: shown, removable, never counted.
    product: Product | None
    unit_price: Money | None

    @property
    def line_price(self) -> Money | None:
        return self.unit_price * self.quantity if self.unit_price is not None else None


@dataclass(frozen=True)
class PricedCart:
    currency: str
    lines: tuple[PricedLine, ...]
    subtotal: Money
    # None when no quote could be had (the cart page still shows the cart).
    shipping: Money | None
    total: Money

    @property
    def size(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def product_ids(self) -> list[str]:
        return [line.product_id for line in self.lines]

    @property
    def sold_lines(self) -> tuple[PricedLine, ...]:
        return tuple(line for line in self.lines if line.product is not None)

    @property
    def unsold_ids(self) -> list[str]:
        return [line.product_id for line in self.lines if line.product is None]

    @property
    def categories(self) -> list[str]:
        """The categories of the products still sold (the ad banner's context keys)."""
        return sorted({slug for line in self.sold_lines for slug in line.product.categories})


def sold_items(items: Sequence[CartItem], products: Mapping[str, Product]) -> list[CartItem]:
    """The items whose product is still sold: what shipping is quoted for."""
    return [item for item in items if item.product_id in products]


def cart_priced(
    items: Sequence[CartItem],
    currency: str,
    *,
    products: Mapping[str, Product],
    convert: Convert,
    shipping_usd: Money | None,
) -> PricedCart:
    """`products`: the sold products by id (an item missing from it is no longer sold);
    `shipping_usd`: the quote for `sold_items`, None when none could be had."""
    unit_prices = {
        product.price_usd: shown_price(product.price_usd, currency, convert)
        for product in products.values()
    }
    lines = tuple(
        PricedLine(
            item.product_id,
            item.quantity,
            products.get(item.product_id),
            unit_prices[products[item.product_id].price_usd]
            if item.product_id in products
            else None,
        )
        for item in items
    )
    subtotal = money_sum([line.line_price for line in lines if line.line_price], currency)
    shipping = None if shipping_usd is None else shown_price(shipping_usd, currency, convert)
    total = subtotal + shipping if shipping is not None else subtotal
    return PricedCart(currency, tuple(lines), subtotal, shipping, total)
