"""gRPC shim of the Payment service (hipstershop.PaymentService):
translate and delegate to services.py.

Until its issue lands, the generated base class answers UNIMPLEMENTED for every RPC.
"""

from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.server import Servicer

SERVICE_NAME = "hipstershop.PaymentService"


class PaymentServicer(Servicer, pb_grpc.PaymentServiceServicer):
    pass


def add_to_server(server) -> None:
    pb_grpc.add_PaymentServiceServicer_to_server(PaymentServicer(), server)
