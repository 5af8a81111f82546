"""gRPC shim of the Ad service (hipstershop.AdService): translate and delegate to services.py.

Until its issue lands, the generated base class answers UNIMPLEMENTED for every RPC.
"""

from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.server import Servicer

SERVICE_NAME = "hipstershop.AdService"


class AdServicer(Servicer, pb_grpc.AdServiceServicer):
    pass


def add_to_server(server) -> None:
    pb_grpc.add_AdServiceServicer_to_server(AdServicer(), server)
