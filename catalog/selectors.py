"""Read queries of the Product Catalog service. They return dto.Product values (the seam's
currency), each in a constant number of queries whatever the catalog size."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from shop import dto
from shop.errors import NotFound
from shop.money import Money

from .models import Category, Product


class ProductNotFound(NotFound):
    code = "product_not_found"

    def __init__(self, product_id: str):
        super().__init__(f"There is no product with id {product_id!r} in the shop.")


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


def product_list(*, category: str | None = None) -> list[dto.Product]:
    products = active_products()
    if category:
        products = products.filter(categories__slug=category)
    return [product_to_dto(product) for product in products]


def product_get(*, product_id: str) -> dto.Product:
    product = active_products().filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound(product_id)
    return product_to_dto(product)


def product_search(*, query: str) -> list[dto.Product]:
    """Name or description contains the query, case-insensitive."""
    query = query.strip()
    products = active_products()
    if query:
        products = products.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return [product_to_dto(product) for product in products]
