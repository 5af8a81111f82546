"""The Ad service's interface, as its consumers see it, and its implementations.

Ads are optional on every page: consumers call through `shop.resilience.call_optional`, and the
gRPC client has the optional services' short deadline and no retries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shop import registry
from shop.dto import Ad
from shop.resilience import optional_client_options
from shop.rpc.client import RemoteClient
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

from . import services


class AdClient(Protocol):
    def get_ads(self, context_keys: Sequence[str]) -> list[Ad]:
        """Up to 2 ads, matching a context key (a category) when any match."""
        ...


class LocalAdClient:
    def get_ads(self, context_keys: Sequence[str]) -> list[Ad]:
        return services.ads_select(context_keys=tuple(context_keys))


class GrpcAdClient(RemoteClient):
    stub_class = pb_grpc.AdServiceStub
    service_label = "ad"

    def get_ads(self, context_keys: Sequence[str]) -> list[Ad]:
        response = self.call("GetAds", pb.AdRequest(context_keys=list(context_keys)))
        return [Ad(redirect_url=ad.redirect_url, text=ad.text) for ad in response.ads]


def ad_client() -> AdClient:
    return registry.pick(
        "ads",
        local=LocalAdClient,
        remote=lambda address: GrpcAdClient(address, **optional_client_options()),
    )
