"""The in-process catalog client: calls selectors.py directly. Only the factory in client.py
imports this module, so a process that calls the service remotely never loads its ORM modules."""

from __future__ import annotations

from collections.abc import Sequence

from shop.dto import Category, Product, ProductPage
from shop.paging import PER_PAGE_DEFAULT

from . import selectors


class LocalCatalogClient:
    def list_products(self, *, category: str | None = None) -> list[Product]:
        return selectors.product_list(category=category)

    def get_product(self, product_id: str) -> Product:
        return selectors.product_get(product_id=product_id)

    def get_products(self, product_ids: Sequence[str]) -> dict[str, Product]:
        return selectors.product_get_many(product_ids=product_ids)

    def search_products(self, query: str) -> list[Product]:
        return selectors.product_search(query=query)

    def product_page(
        self,
        *,
        query: str = "",
        category: str | None = None,
        page: int = 1,
        per_page: int = PER_PAGE_DEFAULT,
    ) -> ProductPage:
        return selectors.product_page(query=query, category=category, page=page, per_page=per_page)

    def categories(self) -> list[Category]:
        return selectors.category_list()
