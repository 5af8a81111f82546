from concurrent import futures

import grpc
import pytest
from django.core.cache import cache

from ads import counters
from shop import registry, resilience
from shop.rpc.client import close_channels
from shop.rpc.protos import boutique_ads_pb2 as ads_pb
from shop.rpc.protos import boutique_ads_pb2_grpc as ads_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc


@pytest.fixture(autouse=True)
def fresh_state():
    """The live-ads cache, in-process counters and breakers outlive a test's database."""
    cache.clear()
    counters._local.drain()
    resilience.reset_breakers()
    yield
    cache.clear()
    counters._local.drain()
    resilience.reset_breakers()


@pytest.fixture
def demo_catalog(db):
    from catalog.services import demo_catalog_load

    demo_catalog_load()


@pytest.fixture
def demo_ads(demo_catalog):
    from ads.services import demo_ads_load

    demo_ads_load()


class HostileAdService(pb_grpc.AdServiceServicer, ads_pb_grpc.AdClickServiceServicer):
    """Another ad service, answering with links out of the shop."""

    def GetAds(self, request, context):
        return pb.AdResponse(
            ads=[
                pb.Ad(redirect_url="javascript:alert(1)", text="<b>x</b>"),
                pb.Ad(redirect_url="https://evil.example/", text="away"),
                pb.Ad(redirect_url="/product/OLJCESPC7Z", text="<b>fine</b>"),
            ]
        )

    def Click(self, request, context):
        return ads_pb.ClickResponse(redirect_url="https://evil.example/")


@pytest.fixture
def hostile_ad_service(settings):
    """A real gRPC server with a hostile ad service, which ad_client() calls."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    servicer = HostileAdService()
    pb_grpc.add_AdServiceServicer_to_server(servicer, server)
    ads_pb_grpc.add_AdClickServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, "ads": f"127.0.0.1:{port}"}
    registry.reset()
    yield
    server.stop(grace=None)
    close_channels()
    registry.reset()
