"""The Recommendation service's interface, as its consumers see it, and its implementations.

Recommendations are optional on every page: consumers call through
`shop.resilience.call_optional`, and the gRPC client has the optional services' short deadline
and no retries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shop import registry
from shop.resilience import optional_client_options
from shop.rpc.client import RemoteClient
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

from . import selectors


class RecommendationClient(Protocol):
    def list_recommendations(self, user_id: str, product_ids: Sequence[str]) -> list[str]:
        """Up to 5 product ids, none of `product_ids`."""
        ...


class LocalRecommendationClient:
    def list_recommendations(self, user_id: str, product_ids: Sequence[str]) -> list[str]:
        return selectors.recommendations_list(product_ids=tuple(product_ids))


class GrpcRecommendationClient(RemoteClient):
    stub_class = pb_grpc.RecommendationServiceStub
    service_label = "recommendation"

    def list_recommendations(self, user_id: str, product_ids: Sequence[str]) -> list[str]:
        request = pb.ListRecommendationsRequest(user_id=user_id, product_ids=list(product_ids))
        response = self.call("ListRecommendations", request)
        return list(response.product_ids)


def recommendation_client() -> RecommendationClient:
    return registry.pick(
        "recommendations",
        local=LocalRecommendationClient,
        remote=lambda address: GrpcRecommendationClient(address, **optional_client_options()),
    )
