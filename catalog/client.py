"""The Product Catalog service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked).

The original ProductCatalogService has no batch read; `get_products` travels over our extension
service boutique.ProductBatchService (shop/rpc/protos/boutique_catalog.proto), served next to
hipstershop.ProductCatalogService by the same server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shop import registry
from shop.dto import Category, Product, ProductPage
from shop.paging import PER_PAGE_DEFAULT, page_check, page_of
from shop.rpc.client import RemoteClient
from shop.rpc.convert import product_from_pb
from shop.rpc.lazy import LazyModule

# Registers the catalog's error codes, so remote calls raise the catalog's own errors.
from . import errors  # noqa: F401

# grpc and the generated modules load with the first remote call (shop/rpc/lazy.py).
catalog_pb = LazyModule("shop.rpc.protos.boutique_catalog_pb2")
catalog_pb_grpc = LazyModule("shop.rpc.protos.boutique_catalog_pb2_grpc")
pb = LazyModule("shop.rpc.protos.hipstershop_pb2")
pb_grpc = LazyModule("shop.rpc.protos.hipstershop_pb2_grpc")


class CatalogClient(Protocol):
    def list_products(self, *, category: str | None = None) -> list[Product]:
        """Active products, in `category` when given."""
        ...

    def get_product(self, product_id: str) -> Product:
        """ProductNotFound (kind not_found) for an unknown or inactive id."""
        ...

    def get_products(self, product_ids: Sequence[str]) -> dict[str, Product]:
        """The active products among `product_ids`, by id, in one call whatever their number.
        An unknown or inactive id is simply absent: the caller decides what that means."""
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
        per_page: int = PER_PAGE_DEFAULT,
    ) -> ProductPage:
        """One page of the products matching `query` (all when empty) in `category` (any when
        None). InvalidPage for page < 1 or a page size outside 1..100; PageNotFound past the
        last page (page 1 always exists, possibly empty)."""
        ...

    def categories(self) -> list[Category]:
        """Categories holding at least one active product, by slug."""
        ...


class _GrpcProductBatchClient(RemoteClient):
    stub_module = catalog_pb_grpc
    stub_name = "ProductBatchServiceStub"
    service_label = "product catalog"


class GrpcCatalogClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "ProductCatalogServiceStub"
    service_label = "product catalog"

    def __init__(self, address: str, **options) -> None:
        super().__init__(address, **options)
        self.batch = _GrpcProductBatchClient(address, **options)

    def list_products(self, *, category: str | None = None) -> list[Product]:
        response = self.call("ListProducts", pb.Empty())
        products = [product_from_pb(product) for product in response.products]
        return _in_category(products, category)

    def get_product(self, product_id: str) -> Product:
        request = pb.GetProductRequest(id=product_id)
        return product_from_pb(self.call("GetProduct", request))

    def get_products(self, product_ids: Sequence[str]) -> dict[str, Product]:
        ids = list(dict.fromkeys(product_ids))
        if not ids:
            return {}
        request = catalog_pb.GetProductsRequest(ids=ids)
        response = self.batch.call("GetProducts", request)
        return {product.id: product_from_pb(product) for product in response.products}

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
        per_page: int = PER_PAGE_DEFAULT,
    ) -> ProductPage:
        page_check(page=page, per_page=per_page)
        query = query.strip()
        products = self.search_products(query) if query else self.list_products()
        products = _in_category(products, category)
        return page_of(products, page=page, per_page=per_page)

    def categories(self) -> list[Category]:
        slugs = sorted({slug for product in self.list_products() for slug in product.categories})
        # The wire carries category slugs only; their display names are derived from them.
        return [Category(slug=slug, name=slug.replace("-", " ").capitalize()) for slug in slugs]


def _in_category(products: list[Product], category: str | None) -> list[Product]:
    if not category:
        return products
    return [product for product in products if category in product.categories]


def _local() -> CatalogClient:
    # Imported on first use only: a process that calls the catalog remotely never loads its ORM.
    from .local import LocalCatalogClient

    return LocalCatalogClient()


def catalog_client() -> CatalogClient:
    return registry.pick("catalog", local=_local, remote=GrpcCatalogClient)
