"""gRPC shim of the ProductCatalog service (hipstershop.ProductCatalogService):
translate and delegate to services.py.

Until its issue lands, the generated base class answers UNIMPLEMENTED for every RPC.
"""

from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.server import Servicer

SERVICE_NAME = "hipstershop.ProductCatalogService"


class ProductCatalogServicer(Servicer, pb_grpc.ProductCatalogServiceServicer):
    pass


def add_to_server(server) -> None:
    pb_grpc.add_ProductCatalogServiceServicer_to_server(ProductCatalogServicer(), server)
