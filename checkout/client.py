"""The Checkout service's interface, as its consumers see it, and its implementations.

The local implementation calls checkout/services.py (filled by the checkout issue).
"""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.dto import Address, CreditCard, OrderResult
from shop.rpc.client import RemoteClient
from shop.rpc.convert import address_to_pb, credit_card_to_pb, order_result_from_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

from . import services


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


class LocalCheckoutClient:
    def place_order(
        self,
        *,
        user_id: str,
        user_currency: str,
        address: Address,
        email: str,
        credit_card: CreditCard,
    ) -> OrderResult:
        return services.order_place(
            user_id=user_id,
            user_currency=user_currency,
            address=address,
            email=email,
            credit_card=credit_card,
        )


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
        # Retried by the channel (shop/rpc/retry.py): the service places at most one order per cart.
        response = self.call("PlaceOrder", request)
        return order_result_from_pb(response.order)


def checkout_client() -> CheckoutClient:
    return registry.pick("checkout", local=LocalCheckoutClient, remote=GrpcCheckoutClient)
