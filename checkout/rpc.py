"""gRPC shim of the Checkout service (hipstershop.CheckoutService):
translate and delegate to services.py.

Until its issue lands, the generated base class answers UNIMPLEMENTED for every RPC.
"""

from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.server import Servicer

SERVICE_NAME = "hipstershop.CheckoutService"


class CheckoutServicer(Servicer, pb_grpc.CheckoutServiceServicer):
    pass


def add_to_server(server) -> None:
    pb_grpc.add_CheckoutServiceServicer_to_server(CheckoutServicer(), server)
