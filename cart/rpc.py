"""gRPC shim of the Cart service (hipstershop.CartService): translate and delegate to services.py.

Until its issue lands, the generated base class answers UNIMPLEMENTED for every RPC.
"""

from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.server import Servicer

SERVICE_NAME = "hipstershop.CartService"


class CartServicer(Servicer, pb_grpc.CartServiceServicer):
    pass


def add_to_server(server) -> None:
    pb_grpc.add_CartServiceServicer_to_server(CartServicer(), server)
