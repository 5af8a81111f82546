"""The Product Catalog service's interface, as its consumers see it, and its implementations."""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.dto import Category, Product, ProductPage
from shop.rpc.client import RemoteClient
from shop.rpc.convert import product_from_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

from . import selectors


class CatalogClient(Protocol):
    def list_products(self, *, category: str | None = None) -> list[Product]:
        """Active products, in `category` when given."""
        ...

    def get_product(self, product_id: str) -> Product:
        """ProductNotFound (kind not_found) for an unknown or inactive id."""
        ...

    def search_products(self, query: str) -> list[Product]:
        """Name or description contains the query, case-insensitive."""
        ...

    def product_page(
        self,
        *,
        query: str = "",
        category: str | None = None,
        page: int = 1,
        per_page: int = selectors.PER_PAGE_DEFAULT,
    ) -> ProductPage:
        """One page of the products matching `query` (all when empty) in `category` (any when
        None). InvalidPage for page < 1 or a page size outside 1..100; PageNotFound past the
        last page (page 1 always exists, possibly empty)."""
        ...

    def categories(self) -> list[Category]:
        """Categories holding at least one active product, by slug."""
        ...


class LocalCatalogClient:
    def list_products(self, *, category: str | None = None) -> list[Product]:
        return selectors.product_list(category=category)

    def get_product(self, product_id: str) -> Product:
        return selectors.product_get(product_id=product_id)

    def search_products(self, query: str) -> list[Product]:
        return selectors.product_search(query=query)

    def product_page(
        self,
        *,
        query: str = "",
        category: str | None = None,
        page: int = 1,
        per_page: int = selectors.PER_PAGE_DEFAULT,
    ) -> ProductPage:
        return selectors.product_page(query=query, category=category, page=page, per_page=per_page)

    def categories(self) -> list[Category]:
        return selectors.category_list()


class GrpcCatalogClient(RemoteClient):
    stub_class = pb_grpc.ProductCatalogServiceStub
    service_label = "product catalog"

    def list_products(self, *, category: str | None = None) -> list[Product]:
        response = self.call("ListProducts", pb.Empty())
        products = [product_from_pb(product) for product in response.products]
        return _in_category(products, category)

    def get_product(self, product_id: str) -> Product:
        request = pb.GetProductRequest(id=product_id)
        return product_from_pb(self.call("GetProduct", request))

    def search_products(self, query: str) -> list[Product]:
        request = pb.SearchProductsRequest(query=query)
        response = self.call("SearchProducts", request)
        return [product_from_pb(product) for product in response.results]

    # The hipstershop wire has no paging, category filter or category list: these fetch the
    # whole (small, in an Online Boutique deployment) catalog and work client-side.

    def product_page(
        self,
        *,
        query: str = "",
        category: str | None = None,
        page: int = 1,
        per_page: int = selectors.PER_PAGE_DEFAULT,
    ) -> ProductPage:
        selectors.page_check(page=page, per_page=per_page)
        query = query.strip()
        products = self.search_products(query) if query else self.list_products()
        products = _in_category(products, category)
        return selectors.page_of(products, page=page, per_page=per_page)

    def categories(self) -> list[Category]:
        slugs = sorted({slug for product in self.list_products() for slug in product.categories})
        # The wire carries category slugs only; their display names are derived from them.
        return [Category(slug=slug, name=slug.replace("-", " ").capitalize()) for slug in slugs]


def _in_category(products: list[Product], category: str | None) -> list[Product]:
    if not category:
        return products
    return [product for product in products if category in product.categories]


def catalog_client() -> CatalogClient:
    return registry.pick("catalog", local=LocalCatalogClient, remote=GrpcCatalogClient)
