"""Read queries of the Product Catalog service. They return dto values (the seam's currency),
each in a constant number of queries whatever the catalog size."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch, Q, QuerySet

from shop import dto
from shop.errors import InvalidArgument, NotFound
from shop.money import Money

from .models import Category, Product

PER_PAGE_DEFAULT = 24
PER_PAGE_MAX = 100


class ProductNotFound(NotFound):
    code = "product_not_found"

    def __init__(self, product_id: str):
        super().__init__(f"There is no product with id {product_id!r} in the shop.")


class PageNotFound(NotFound):
    code = "page_not_found"


class InvalidPage(InvalidArgument):
    code = "invalid_page"


def active_products() -> QuerySet[Product]:
    return Product.objects.filter(is_active=True).prefetch_related(
        Prefetch("categories", queryset=Category.objects.only("slug"))
    )


def product_to_dto(product: Product) -> dto.Product:
    return dto.Product(
        id=product.id,
        name=product.name,
        description=product.description,
        picture=product.picture,
        price_usd=Money(product.price_amount, product.price_currency),
        categories=tuple(category.slug for category in product.categories.all()),
    )


def matching_products(*, query: str = "", category: str | None = None) -> QuerySet[Product]:
    """Active products whose name or description contains `query` (case-insensitive), in
    `category` when given. On PostgreSQL the trigram indexes of migration 0002 serve this."""
    products = active_products()
    query = query.strip()
    if query:
        products = products.filter(Q(name__icontains=query) | Q(description__icontains=query))
    if category:
        products = products.filter(categories__slug=category)
    return products


def product_list(*, category: str | None = None) -> list[dto.Product]:
    return [product_to_dto(product) for product in matching_products(category=category)]


def product_get(*, product_id: str) -> dto.Product:
    product = active_products().filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound(product_id)
    return product_to_dto(product)


def product_search(*, query: str, category: str | None = None) -> list[dto.Product]:
    """Name or description contains the query, case-insensitive."""
    products = matching_products(query=query, category=category)
    return [product_to_dto(product) for product in products]


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


def product_page(
    *,
    query: str = "",
    category: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE_DEFAULT,
) -> dto.ProductPage:
    """One page of the matching products in three queries: the count, the rows, their
    categories."""
    page_check(page=page, per_page=per_page)
    products = matching_products(query=query, category=category)
    return _page(products, count=products.count(), page=page, per_page=per_page)


def page_of(products: Sequence[dto.Product], *, page: int, per_page: int) -> dto.ProductPage:
    """The same page as product_page, cut from an already fetched list (the gRPC client's
    fallback: the wire has no paging)."""
    page_check(page=page, per_page=per_page)
    return _page(products, count=len(products), page=page, per_page=per_page)


def _page(
    rows: QuerySet[Product] | Sequence[dto.Product], *, count: int, page: int, per_page: int
) -> dto.ProductPage:
    # Page 1 always exists, empty or not: "no results" is a page, not an error.
    if page > 1 and (page - 1) * per_page >= count:
        last = dto.ProductPage(items=(), number=1, per_page=per_page, count=count).num_pages
        raise PageNotFound(f"There is no page {page}; the last page is {last}.")
    offset = (page - 1) * per_page
    items = tuple(
        row if isinstance(row, dto.Product) else product_to_dto(row)
        for row in rows[offset : offset + per_page]
    )
    return dto.ProductPage(items=items, number=page, per_page=per_page, count=count)


def category_list() -> list[dto.Category]:
    """Categories that hold at least one active product."""
    categories = Category.objects.filter(products__is_active=True).distinct()
    return [dto.Category(slug=category.slug, name=category.name) for category in categories]
