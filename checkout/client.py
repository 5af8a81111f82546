"""The Checkout service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked)."""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.dto import Address, CreditCard, OrderResult
from shop.rpc.client import RemoteClient
from shop.rpc.convert import address_to_pb, credit_card_to_pb, order_result_from_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc


class CheckoutClient(Protocol):
    def place_order(
        self,
        *,
        user_id: str,
        user_currency: str,
        address: Address,
        email: str,
        credit_card: CreditCard,
    ) -> OrderResult: ...


class GrpcCheckoutClient(RemoteClient):
    stub_class = pb_grpc.CheckoutServiceStub
    service_label = "checkout"

    def place_order(
        self,
        *,
        user_id: str,
        user_currency: str,
        address: Address,
        email: str,
        credit_card: CreditCard,
    ) -> OrderResult:
        request = pb.PlaceOrderRequest(
            user_id=user_id,
            user_currency=user_currency,
            address=address_to_pb(address),
            email=email,
            credit_card=credit_card_to_pb(credit_card),
        )
        # Safe to retry: the service places at most one order per cart (idempotent by design).
        response = self.call("PlaceOrder", request, idempotent=True)
        return order_result_from_pb(response.order)


def _local() -> CheckoutClient:
    # Imported on first use only: a process that calls this service remotely never loads its ORM.
    from .local import LocalCheckoutClient

    return LocalCheckoutClient()


def checkout_client() -> CheckoutClient:
    return registry.pick("checkout", local=_local, remote=GrpcCheckoutClient)
