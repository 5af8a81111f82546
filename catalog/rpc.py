"""gRPC shim of the Product Catalog service: hipstershop.ProductCatalogService (the original's
protocol) and our extension boutique.ProductBatchService (many products in one call). Translate
and delegate to selectors.py."""

from shop.rpc.convert import product_to_pb
from shop.rpc.protos import boutique_catalog_pb2 as catalog_pb
from shop.rpc.protos import boutique_catalog_pb2_grpc as catalog_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import selectors

# The original's service first (the deployment's readiness probe asks for it), then ours.
SERVICE_NAMES = ("hipstershop.ProductCatalogService", "boutique.ProductBatchService")


def from_memory() -> tuple[str, ...]:
    """Answered from the products' memo in memory: a small pool of their own
    (shop/rpc/pools.py). ListProducts and SearchProducts query the database each time."""
    return (
        "/hipstershop.ProductCatalogService/GetProduct",
        "/boutique.ProductBatchService/GetProducts",
    )


class ProductCatalogServicer(Servicer, pb_grpc.ProductCatalogServiceServicer):
    def ListProducts(self, request, context):
        products = selectors.product_list()
        return pb.ListProductsResponse(products=[product_to_pb(p) for p in products])

    def GetProduct(self, request, context):
        return product_to_pb(selectors.product_get(product_id=request.id))

    def SearchProducts(self, request, context):
        results = selectors.product_search(query=request.query)
        return pb.SearchProductsResponse(results=[product_to_pb(p) for p in results])


class ProductBatchServicer(Servicer, catalog_pb_grpc.ProductBatchServiceServicer):
    def GetProducts(self, request, context):
        products = selectors.product_get_many(product_ids=request.ids).values()
        return catalog_pb.GetProductsResponse(products=[product_to_pb(p) for p in products])


def add_to_server(server) -> None:
    pb_grpc.add_ProductCatalogServiceServicer_to_server(ProductCatalogServicer(), server)
    catalog_pb_grpc.add_ProductBatchServiceServicer_to_server(ProductBatchServicer(), server)
