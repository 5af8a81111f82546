"""Read queries of the Product Catalog service. They return dto values (the seam's currency),
each in a constant number of queries whatever the catalog size."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from shop import dto
from shop.memo import Memo
from shop.money import Money
from shop.paging import PER_PAGE_DEFAULT, page_check, page_offset

from .errors import ProductNotFound
from .models import Category, Product, picture_url

# Ids per query of product_get_many: far below SQLite's bound on the parameters of one query.
IDS_PER_QUERY = 500
# Active products by id in each process's memory (shop/memo.py states how soon a change shows;
# catalog/signals.py and the bulk paths of services.py invalidate it).
products_memo = Memo("catalog:products")


def active_products() -> QuerySet[Product]:
    return Product.objects.filter(is_active=True).prefetch_related(
        Prefetch("categories", queryset=Category.objects.only("slug"))
    )


def product_to_dto(product: Product) -> dto.Product:
    return dto.Product(
        id=product.id,
        name=product.name,
        description=product.description,
        picture=product.picture_url,
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
    return products_memo.get(product_id, lambda: _product_read(product_id))


def _product_read(product_id: str) -> dto.Product:
    product = active_products().filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound(product_id)
    return product_to_dto(product)


def product_get_many(*, product_ids: Iterable[str]) -> dict[str, dto.Product]:
    """The active products among `product_ids`, by id (in id order); an unknown or inactive id is
    simply absent: the caller decides what that means. From memory, else one query for up to
    IDS_PER_QUERY ids."""
    ids = sorted(set(product_ids))
    products: dict[str, dto.Product] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        products.update(_products_by_id(ids[start : start + IDS_PER_QUERY]))
    return products


def _products_by_id(ids: list[str]) -> dict[str, dto.Product]:
    return products_memo.get_many(ids, _products_read)


def _products_read(ids: list[str]) -> dict[str, dto.Product]:
    # The categories come in the same query (a row per category, one row with None for a
    # product in none), where a prefetch would take a second one.
    rows = (
        Product.objects.filter(is_active=True, pk__in=ids)
        .order_by("pk", "categories__slug")
        .values_list(
            "id",
            "name",
            "description",
            "picture",
            "image",
            "price_amount",
            "price_currency",
            "categories__slug",
        )
    )
    found: dict[str, tuple[tuple, list[str]]] = {}
    for product_id, *columns, slug in rows:
        _columns, slugs = found.setdefault(product_id, (tuple(columns), []))
        if slug is not None:
            slugs.append(slug)
    return {
        product_id: dto.Product(
            id=product_id,
            name=name,
            description=description,
            picture=picture_url(picture, image),
            price_usd=Money(amount, currency),
            categories=tuple(slugs),
        )
        for product_id, (
            (name, description, picture, image, amount, currency),
            slugs,
        ) in found.items()
    }


def product_search(*, query: str, category: str | None = None) -> list[dto.Product]:
    """Name or description contains the query, case-insensitive."""
    products = matching_products(query=query, category=category)
    return [product_to_dto(product) for product in products]


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
    count = products.count()
    offset = page_offset(count=count, page=page, per_page=per_page)
    items = tuple(product_to_dto(row) for row in products[offset : offset + per_page])
    return dto.ProductPage(items=items, number=page, per_page=per_page, count=count)


def category_list() -> list[dto.Category]:
    """Categories that hold at least one active product."""
    categories = Category.objects.filter(products__is_active=True).distinct()
    return [dto.Category(slug=category.slug, name=category.name) for category in categories]
