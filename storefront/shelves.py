"""What the storefront shows of products: one currency's view of a product and of a grid page.

These values hold nothing about a visitor, so pages cache them per currency (storefront.pagecache).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shop.dto import Product, ProductPage
from shop.errors import NotFound
from storefront.prices import display_prices

PAGE_SIZE = 12
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


@dataclass(frozen=True, slots=True)
class ShownProduct:
    id: str
    name: str
    description: str
    picture: str
    price: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Shelf:
    """One page of a product grid."""

    products: tuple[ShownProduct, ...]
    number: int
    num_pages: int
    count: int

    @property
    def previous_number(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next_number(self) -> int | None:
        return self.number + 1 if self.number < self.num_pages else None


def category_title(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").title()


def page_number(raw: str | None) -> int:
    """The ?page= of a grid: absent means 1; anything but a positive integer is a 404."""
    if raw is None:
        return 1
    if not PAGE_NUMBER.fullmatch(raw):
        raise NotFound(f"There is no page {raw!r} here. Pages are numbered from 1.")
    return int(raw)


def shown_products(products: list[Product], currency: str) -> tuple[ShownProduct, ...]:
    prices = display_prices((product.price_usd for product in products), currency)
    return tuple(
        ShownProduct(
            id=product.id,
            name=product.name,
            description=product.description,
            picture=product.picture,
            price=prices[product.price_usd],
            categories=product.categories,
        )
        for product in products
    )


def shelf(page: ProductPage, *, currency: str) -> Shelf:
    """One page of the catalog's listing (the catalog pages; a page past the last is its 404),
    with prices converted for the products on that page only."""
    return Shelf(
        products=shown_products(list(page.items), currency),
        number=page.number,
        num_pages=page.num_pages,
        count=page.count,
    )


EMPTY_SHELF = Shelf(products=(), number=1, num_pages=1, count=0)
