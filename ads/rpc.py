"""gRPC shim of the Ad service (hipstershop.AdService): translate and delegate to services.py."""

from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import services

SERVICE_NAMES = ("hipstershop.AdService",)


class AdServicer(Servicer, pb_grpc.AdServiceServicer):
    def GetAds(self, request, context):
        ads = services.ads_select(context_keys=tuple(request.context_keys))
        return pb.AdResponse(ads=[pb.Ad(redirect_url=ad.redirect_url, text=ad.text) for ad in ads])


def add_to_server(server) -> None:
    pb_grpc.add_AdServiceServicer_to_server(AdServicer(), server)
