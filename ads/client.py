"""The Ad service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked).

Ads are optional on every page: consumers call through `shop.resilience.call_optional`, and the
gRPC client has the optional services' short deadline and no retries. The counted click travels
over our extension service boutique.AdClickService (shop/rpc/protos/boutique_ads.proto), served
next to hipstershop.AdService by the same server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shop import registry
from shop.dto import Ad
from shop.resilience import optional_client_options
from shop.rpc.client import RemoteClient
from shop.rpc.lazy import LazyModule

# Importing errors also registers their codes, so remote calls raise the ad service's own errors.
from . import errors
from .targets import AD_CLICK_PARAMETER, is_shop_path

# grpc and the generated modules load with the first remote call (shop/rpc/lazy.py).
ads_pb = LazyModule("shop.rpc.protos.boutique_ads_pb2")
ads_pb_grpc = LazyModule("shop.rpc.protos.boutique_ads_pb2_grpc")
pb = LazyModule("shop.rpc.protos.hipstershop_pb2")
pb_grpc = LazyModule("shop.rpc.protos.hipstershop_pb2_grpc")

__all__ = ["AD_CLICK_PARAMETER", "AdClient", "GrpcAdClient", "ad_client"]

INT64_MAX = 2**63 - 1


class AdClient(Protocol):
    def get_ads(self, context_keys: Sequence[str]) -> list[Ad]:
        """Up to 2 ads, matching a context key (a category) when any match; each counts one
        impression. Every redirect_url is a path inside the shop."""
        ...

    def ads_at_hand(self, context_keys: Sequence[str]) -> list[Ad] | None:
        """What get_ads would answer, when this client can answer without I/O (a page then
        needs no deadline or worker thread for its ads); else None: call get_ads."""
        ...

    def click(self, ad_id: int) -> str:
        """Counts a click on the ad and returns where to send the customer: a path inside the
        shop. AdNotFound for an unknown id."""
        ...


class _GrpcAdClickClient(RemoteClient):
    stub_module = ads_pb_grpc
    stub_name = "AdClickServiceStub"
    service_label = "ad"


class GrpcAdClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "AdServiceStub"
    service_label = "ad"

    def __init__(self, address: str, **options) -> None:
        super().__init__(address, **options)
        # A click is the customer's own navigation, not an optional widget: the usual deadline.
        self.clicks = _GrpcAdClickClient(address)

    def get_ads(self, context_keys: Sequence[str]) -> list[Ad]:
        response = self.call("GetAds", pb.AdRequest(context_keys=list(context_keys)))
        # Another ad service is trusted with text, not with links out of the shop.
        return [
            Ad(redirect_url=ad.redirect_url, text=ad.text)
            for ad in response.ads
            if is_shop_path(ad.redirect_url)
        ]

    def ads_at_hand(self, context_keys: Sequence[str]) -> list[Ad] | None:
        return None  # every answer is a network call

    def click(self, ad_id: int) -> str:
        if not 0 <= ad_id <= INT64_MAX:
            # What the database answers for such an id; the wire's int64 cannot carry it.
            raise errors.AdNotFound(ad_id)
        # Never retried (shop/rpc/retry.py): a second run would count the click twice.
        target = self.clicks.call("Click", ads_pb.ClickRequest(ad_id=ad_id)).redirect_url
        # As for the banner's links: never send a customer out of the shop on another's word.
        return target if is_shop_path(target) else "/"


def _local() -> AdClient:
    # Imported on first use only: a process that calls this service remotely never loads its ORM.
    from .local import LocalAdClient

    return LocalAdClient()


def ad_client() -> AdClient:
    return registry.pick(
        "ads",
        local=_local,
        remote=lambda address: GrpcAdClient(address, **optional_client_options()),
    )
