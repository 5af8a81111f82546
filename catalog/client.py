"""The Product Catalog service's interface, as its consumers see it, and its implementations."""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.dto import Product
from shop.rpc.client import RemoteClient
from shop.rpc.convert import product_from_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

from . import selectors


class CatalogClient(Protocol):
    def list_products(self) -> list[Product]: ...

    def get_product(self, product_id: str) -> Product:
        """ProductNotFound (kind not_found) for an unknown or inactive id."""
        ...

    def search_products(self, query: str) -> list[Product]:
        """Name or description contains the query, case-insensitive."""
        ...


class LocalCatalogClient:
    def list_products(self) -> list[Product]:
        return selectors.product_list()

    def get_product(self, product_id: str) -> Product:
        return selectors.product_get(product_id=product_id)

    def search_products(self, query: str) -> list[Product]:
        return selectors.product_search(query=query)


class GrpcCatalogClient(RemoteClient):
    stub_class = pb_grpc.ProductCatalogServiceStub
    service_label = "product catalog"

    def list_products(self) -> list[Product]:
        response = self.call("ListProducts", pb.Empty(), idempotent=True)
        return [product_from_pb(product) for product in response.products]

    def get_product(self, product_id: str) -> Product:
        request = pb.GetProductRequest(id=product_id)
        return product_from_pb(self.call("GetProduct", request, idempotent=True))

    def search_products(self, query: str) -> list[Product]:
        request = pb.SearchProductsRequest(query=query)
        response = self.call("SearchProducts", request, idempotent=True)
        return [product_from_pb(product) for product in response.results]


def catalog_client() -> CatalogClient:
    return registry.pick("catalog", local=LocalCatalogClient, remote=GrpcCatalogClient)
