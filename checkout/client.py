"""The Checkout service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked).

`place_order` is the original's PlaceOrder. The storefront uses `place_customer_order` and
`customer_order`, which travel over our extension boutique.CustomerOrderService
(shop/rpc/protos/boutique_checkout.proto): the same placement, answered with the customer's view
of the order and the access link to its page.
"""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.dto import Address, CreditCard, CustomerOrder, OrderResult
from shop.rpc.client import RemoteClient
from shop.rpc.convert import (
    address_to_pb,
    credit_card_to_pb,
    customer_order_from_pb,
    customer_place_order_to_pb,
    order_result_from_pb,
)
from shop.rpc.lazy import LazyModule

# Registers the checkout service's error codes, so remote calls raise its own errors.
from . import errors  # noqa: F401

# grpc and the generated modules load with the first remote call (shop/rpc/lazy.py).
checkout_pb = LazyModule("shop.rpc.protos.boutique_checkout_pb2")
checkout_pb_grpc = LazyModule("shop.rpc.protos.boutique_checkout_pb2_grpc")
pb = LazyModule("shop.rpc.protos.hipstershop_pb2")
pb_grpc = LazyModule("shop.rpc.protos.hipstershop_pb2_grpc")


class CheckoutClient(Protocol):
    def place_order(
        self,
        *,
        user_id: str,
        user_currency: str,
        address: Address,
        email: str,
        credit_card: CreditCard,
    ) -> OrderResult:
        """Places the cart's order, at most once however often the same submission arrives.
        Another submission of a cart being checked out or just bought is refused with a
        `concurrent` error (CartCheckoutInProgress, CartAlreadyOrdered; Retry-After when
        waiting helps)."""
        ...

    def place_customer_order(
        self,
        *,
        user_id: str,
        user_currency: str,
        address: Address,
        email: str,
        credit_card: CreditCard,
    ) -> CustomerOrder:
        """place_order, answered with the customer's view of the order. Errors the customer can
        fix carry per-field messages (`fields`). When another submission of the cart came first,
        the answer is its order, `pending` while it is still being checked out."""
        ...

    def customer_order(self, order_id: str, access_token: str) -> CustomerOrder:
        """The order behind a customer's access link; NotFound for a wrong token too."""
        ...


class _GrpcCustomerOrderClient(RemoteClient):
    stub_module = checkout_pb_grpc
    stub_name = "CustomerOrderServiceStub"
    service_label = "checkout"


class GrpcCheckoutClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "CheckoutServiceStub"
    service_label = "checkout"

    def __init__(self, address: str, **options):
        super().__init__(address, **options)
        self.customer = _GrpcCustomerOrderClient(address, **options)

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

    def place_customer_order(self, **order) -> CustomerOrder:
        request = customer_place_order_to_pb(**order)
        # Safe to retry, as place_order.
        response = self.customer.call("PlaceOrder", request)
        return customer_order_from_pb(response)

    def customer_order(self, order_id: str, access_token: str) -> CustomerOrder:
        request = checkout_pb.GetCustomerOrderRequest(order_id=order_id, access_token=access_token)
        return customer_order_from_pb(self.customer.call("GetOrder", request))


def _local() -> CheckoutClient:
    # Imported on first use only: a process that calls this service remotely never loads its ORM.
    from .local import LocalCheckoutClient

    return LocalCheckoutClient()


def checkout_client() -> CheckoutClient:
    return registry.pick("checkout", local=_local, remote=GrpcCheckoutClient)
