"""gRPC shim of the Product Catalog service (hipstershop.ProductCatalogService):
translate and delegate to selectors.py."""

from shop.rpc.convert import product_to_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import selectors

SERVICE_NAMES = ("hipstershop.ProductCatalogService",)


class ProductCatalogServicer(Servicer, pb_grpc.ProductCatalogServiceServicer):
    def ListProducts(self, request, context):
        products = selectors.product_list()
        return pb.ListProductsResponse(products=[product_to_pb(p) for p in products])

    def GetProduct(self, request, context):
        return product_to_pb(selectors.product_get(product_id=request.id))

    def SearchProducts(self, request, context):
        results = selectors.product_search(query=request.query)
        return pb.SearchProductsResponse(results=[product_to_pb(p) for p in results])


def add_to_server(server) -> None:
    pb_grpc.add_ProductCatalogServiceServicer_to_server(ProductCatalogServicer(), server)
