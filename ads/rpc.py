"""gRPC shim of the Ad service: hipstershop.AdService (the original's protocol) and our
extension boutique.AdClickService (the counted click). Translate and delegate to services.py."""

from shop.rpc.protos import boutique_ads_pb2 as ads_pb
from shop.rpc.protos import boutique_ads_pb2_grpc as ads_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import services

# The original's service first (the deployment's readiness probe asks for it), then ours.
SERVICE_NAMES = ("hipstershop.AdService", "boutique.AdClickService")
# The health status follows these (shop/observability/readiness.py): with REDIS_URL set,
# impressions and clicks are counted in Redis.
DEPENDENCIES = ("database", "redis")


class AdServicer(Servicer, pb_grpc.AdServiceServicer):
    def GetAds(self, request, context):
        ads = services.ads_select(context_keys=tuple(request.context_keys))
        return pb.AdResponse(ads=[pb.Ad(redirect_url=ad.redirect_url, text=ad.text) for ad in ads])


class AdClickServicer(Servicer, ads_pb_grpc.AdClickServiceServicer):
    def Click(self, request, context):
        return ads_pb.ClickResponse(redirect_url=services.ad_click(ad_id=request.ad_id))


def add_to_server(server) -> None:
    pb_grpc.add_AdServiceServicer_to_server(AdServicer(), server)
    ads_pb_grpc.add_AdClickServiceServicer_to_server(AdClickServicer(), server)
