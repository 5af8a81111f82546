"""The Product Catalog service's interface, as its consumers see it.

Implementations (local: services.py; remote: gRPC) and `catalog_client()` come with the catalog
issue, following currency/client.py.
"""

from __future__ import annotations

from typing import Protocol

from shop.dto import Product


class CatalogClient(Protocol):
    def list_products(self) -> list[Product]: ...

    def get_product(self, product_id: str) -> Product:
        """ProductNotFound (kind not_found) for an unknown or inactive id."""
        ...

    def search_products(self, query: str) -> list[Product]:
        """Name or description contains the query, case-insensitive."""
        ...
