"""gRPC shim of the Recommendation service (hipstershop.RecommendationService):
translate and delegate to services.py.

Until its issue lands, the generated base class answers UNIMPLEMENTED for every RPC.
"""

from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.server import Servicer

SERVICE_NAME = "hipstershop.RecommendationService"


class RecommendationServicer(Servicer, pb_grpc.RecommendationServiceServicer):
    pass


def add_to_server(server) -> None:
    pb_grpc.add_RecommendationServiceServicer_to_server(RecommendationServicer(), server)
