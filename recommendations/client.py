"""The Recommendation service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked).

Recommendations are optional on every page: consumers call through
`shop.resilience.call_optional`, and the gRPC client has the optional services' short deadline
and no retries.

What was bought reaches the service asynchronously, as a Celery task queued by its name
(`record_purchase`): hipstershop's RecommendationService has no method for it, and the broker is
shared by every service of a deployment, so both clients queue the same task and the
recommendations worker runs it (in the embedded shop, eagerly in the caller's process).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shop import registry
from shop.resilience import optional_client_options
from shop.rpc.client import RemoteClient
from shop.rpc.lazy import LazyModule

# Registers the recommendation service's error codes, so remote calls raise its own errors.
from . import errors  # noqa: F401
from .purchases import purchase_record_enqueue

# grpc and the generated modules load with the first remote call (shop/rpc/lazy.py).
pb = LazyModule("shop.rpc.protos.hipstershop_pb2")
pb_grpc = LazyModule("shop.rpc.protos.hipstershop_pb2_grpc")


class RecommendationClient(Protocol):
    def list_recommendations(self, user_id: str, product_ids: Sequence[str]) -> list[str]:
        """Up to 5 product ids, none of `product_ids`."""
        ...

    def record_purchase(self, order_id: str, product_ids: Sequence[str]) -> None:
        """Tells the service that the order bought these products. Asynchronous: queues the
        recommendations app's Celery task on the shared broker (idempotent per order id), so
        the recommendations service need not be up when an order is paid."""
        ...


class GrpcRecommendationClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "RecommendationServiceStub"
    service_label = "recommendation"

    def list_recommendations(self, user_id: str, product_ids: Sequence[str]) -> list[str]:
        request = pb.ListRecommendationsRequest(user_id=user_id, product_ids=list(product_ids))
        response = self.call("ListRecommendations", request)
        return list(response.product_ids)

    def record_purchase(self, order_id: str, product_ids: Sequence[str]) -> None:
        # Through the broker both deployments share, as the local client does: the gRPC
        # protocol has no method for it.
        purchase_record_enqueue(order_id=order_id, product_ids=product_ids)


def _local() -> RecommendationClient:
    # Imported on first use only: a process that calls this service remotely never loads its ORM.
    from .local import LocalRecommendationClient

    return LocalRecommendationClient()


def recommendation_client() -> RecommendationClient:
    return registry.pick(
        "recommendations",
        local=_local,
        remote=lambda address: GrpcRecommendationClient(address, **optional_client_options()),
    )
