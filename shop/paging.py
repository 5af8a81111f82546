"""Paging of product listings, shared by the catalog's queries and by any client that cuts pages
from an already fetched list (the hipstershop wire has no paging)."""

from __future__ import annotations

from collections.abc import Sequence

from shop.dto import Product, ProductPage
from shop.errors import InvalidArgument, NotFound

PER_PAGE_DEFAULT = 24
PER_PAGE_MAX = 100


class PageNotFound(NotFound):
    code = "page_not_found"


class InvalidPage(InvalidArgument):
    code = "invalid_page"


def page_check(*, page: int, per_page: int) -> None:
    if page < 1:
        raise InvalidPage(
            f"Page numbers start at 1, not {page}.", fields={"page": ["Must be 1 or more."]}
        )
    if not 1 <= per_page <= PER_PAGE_MAX:
        raise InvalidPage(
            f"A page holds 1 to {PER_PAGE_MAX} products, not {per_page}.",
            fields={"page_size": [f"Must be between 1 and {PER_PAGE_MAX}."]},
        )


def page_offset(*, count: int, page: int, per_page: int) -> int:
    """Where `page` starts among `count` rows; PageNotFound past the last page. Page 1 always
    exists, empty or not: "no results" is a page, not an error."""
    if page > 1 and (page - 1) * per_page >= count:
        last = ProductPage(items=(), number=1, per_page=per_page, count=count).num_pages
        raise PageNotFound(f"There is no page {page}; the last page is {last}.")
    return (page - 1) * per_page


def page_of(products: Sequence[Product], *, page: int, per_page: int) -> ProductPage:
    """One page cut from an already fetched list, the same as the catalog's own paging."""
    page_check(page=page, per_page=per_page)
    offset = page_offset(count=len(products), page=page, per_page=per_page)
    items = tuple(products[offset : offset + per_page])
    return ProductPage(items=items, number=page, per_page=per_page, count=len(products))
