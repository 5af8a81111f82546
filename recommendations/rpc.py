"""gRPC shim of the Recommendation service (hipstershop.RecommendationService):
translate and delegate to selectors.py."""

from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import selectors

SERVICE_NAMES = ("hipstershop.RecommendationService",)


class RecommendationServicer(Servicer, pb_grpc.RecommendationServiceServicer):
    def ListRecommendations(self, request, context):
        # user_id is accepted for wire compatibility; recommendations depend on products only.
        product_ids = selectors.recommendations_list(product_ids=tuple(request.product_ids))
        return pb.ListRecommendationsResponse(product_ids=product_ids)


def add_to_server(server) -> None:
    pb_grpc.add_RecommendationServiceServicer_to_server(RecommendationServicer(), server)
