"""gRPC shim of the Email service (hipstershop.EmailService): translate and delegate to services.py.

Until its issue lands, the generated base class answers UNIMPLEMENTED for every RPC.
"""

from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.server import Servicer

SERVICE_NAME = "hipstershop.EmailService"


class EmailServicer(Servicer, pb_grpc.EmailServiceServicer):
    pass


def add_to_server(server) -> None:
    pb_grpc.add_EmailServiceServicer_to_server(EmailServicer(), server)
