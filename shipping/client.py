"""The Shipping service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shop import registry
from shop.dto import Address, CartItem
from shop.money import Money
from shop.rpc.client import RemoteClient
from shop.rpc.convert import address_to_pb, cart_item_to_pb, money_from_pb
from shop.rpc.lazy import LazyModule

# Registers the shipping service's error codes, so remote calls raise its own errors.
from . import errors  # noqa: F401

# grpc and the generated modules load with the first remote call (shop/rpc/lazy.py).
admin_pb = LazyModule("shop.rpc.protos.boutique_shipping_pb2")
admin_pb_grpc = LazyModule("shop.rpc.protos.boutique_shipping_pb2_grpc")
pb = LazyModule("shop.rpc.protos.hipstershop_pb2")
pb_grpc = LazyModule("shop.rpc.protos.hipstershop_pb2_grpc")


class ShippingClient(Protocol):
    def get_quote(self, address: Address | None, items: Sequence[CartItem]) -> Money:
        """The cost in USD. No address (None) before the customer has given one: the cart page
        quotes first, as the original frontend does."""
        ...

    def ship_order(
        self, address: Address, items: Sequence[CartItem], *, reference: str | None = None
    ) -> str:
        """Creates the shipment and returns its tracking id; the same reference ships once."""
        ...

    def cancel(self, *, reference: str) -> bool:
        """Stops the shipment made under this order reference before it leaves (checkout's
        compensation); cancelling again changes nothing. False when nothing was shipped under
        the reference. A shipment already on its way is ShipmentStatusInvalid."""
        ...


class _GrpcShipmentAdminClient(RemoteClient):
    """boutique.ShipmentAdminService, served next to hipstershop.ShippingService."""

    stub_module = admin_pb_grpc

    stub_name = "ShipmentAdminServiceStub"
    service_label = "shipping"


class GrpcShippingClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "ShippingServiceStub"
    service_label = "shipping"

    def __init__(self, address: str, **options) -> None:
        super().__init__(address, **options)
        self.admin = _GrpcShipmentAdminClient(address, **options)

    def get_quote(self, address: Address | None, items: Sequence[CartItem]) -> Money:
        # No address: the field is left unset (the service reads an empty address as none).
        request = pb.GetQuoteRequest(
            address=address_to_pb(address) if address is not None else None,
            items=[cart_item_to_pb(i) for i in items],
        )
        return money_from_pb(self.call("GetQuote", request).cost_usd)

    def ship_order(
        self, address: Address, items: Sequence[CartItem], *, reference: str | None = None
    ) -> str:
        request = pb.ShipOrderRequest(
            address=address_to_pb(address), items=[cart_item_to_pb(i) for i in items]
        )
        # The reference (the order id) travels as metadata: a ShipOrder repeated with it (a retried
        # checkout) ships once. The channel attempts ShipOrder once (shop/rpc/retry.py).
        metadata = (("order-reference", reference),) if reference else None
        response = self.call("ShipOrder", request, metadata=metadata)
        return response.tracking_id

    def cancel(self, *, reference: str) -> bool:
        # boutique.ShipmentAdminService, next to the original's service on the same server. The
        # original has no cancel: the call then fails (NotSupported) and checkout tells staff.
        request = admin_pb.CancelShipmentRequest(reference=reference)
        return bool(self.admin.call("Cancel", request).tracking_id)


def _local() -> ShippingClient:
    # Imported on first use only: a process that calls this service remotely never loads its ORM.
    from .local import LocalShippingClient

    return LocalShippingClient()


def shipping_client() -> ShippingClient:
    return registry.pick("shipping", local=_local, remote=GrpcShippingClient)
