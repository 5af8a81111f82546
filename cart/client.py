"""The Cart service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked).

The original CartService has no per-line change; `set_quantity` and `remove_item` travel over
our extension service boutique.CartLineService (shop/rpc/protos/boutique_cart.proto), served
next to hipstershop.CartService by the same server.
"""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.dto import Cart
from shop.rpc.client import RemoteClient
from shop.rpc.convert import cart_item_from_pb
from shop.rpc.lazy import LazyModule

# The quantity rules and the cart's errors live apart, without the ORM (importing errors.py
# registers the codes, so remote calls raise the cart's own errors); consumers read the rules here.
from .errors import InvalidQuantity as InvalidQuantity
from .rules import MAX_ADD_QUANTITY as MAX_ADD_QUANTITY
from .rules import MAX_LINE_QUANTITY as MAX_LINE_QUANTITY

# grpc and the generated modules load with the first remote call (shop/rpc/lazy.py).
cart_pb = LazyModule("shop.rpc.protos.boutique_cart_pb2")
cart_pb_grpc = LazyModule("shop.rpc.protos.boutique_cart_pb2_grpc")
pb = LazyModule("shop.rpc.protos.hipstershop_pb2")
pb_grpc = LazyModule("shop.rpc.protos.hipstershop_pb2_grpc")


class CartClient(Protocol):
    def add_item(self, user_id: str, product_id: str, quantity: int) -> None:
        """Adds to the quantity already in the cart; quantity outside 1-10 or an unknown
        product refused, as is growing a line past 99."""
        ...

    def get_cart(self, user_id: str) -> Cart:
        """An empty cart for a user who has none."""
        ...

    def empty_cart(self, user_id: str) -> None: ...

    def set_quantity(self, user_id: str, product_id: str, quantity: int) -> None:
        """Sets a line's quantity (0-99); 0 removes the line."""
        ...

    def remove_item(self, user_id: str, product_id: str) -> None: ...


class _GrpcCartLineClient(RemoteClient):
    stub_module = cart_pb_grpc
    stub_name = "CartLineServiceStub"
    service_label = "cart"


class GrpcCartClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "CartServiceStub"
    service_label = "cart"

    def __init__(self, address: str, **options):
        super().__init__(address, **options)
        self.lines = _GrpcCartLineClient(address, **options)

    def add_item(self, user_id: str, product_id: str, quantity: int) -> None:
        # Attempted once (shop/rpc/retry.py): a retried AddItem could add twice.
        item = pb.CartItem(product_id=product_id, quantity=quantity)
        self.call("AddItem", pb.AddItemRequest(user_id=user_id, item=item))

    def get_cart(self, user_id: str) -> Cart:
        response = self.call("GetCart", pb.GetCartRequest(user_id=user_id))
        return Cart(user_id=user_id, items=tuple(cart_item_from_pb(i) for i in response.items))

    def empty_cart(self, user_id: str) -> None:
        self.call("EmptyCart", pb.EmptyCartRequest(user_id=user_id))

    def set_quantity(self, user_id: str, product_id: str, quantity: int) -> None:
        item = pb.CartItem(product_id=product_id, quantity=quantity)
        request = cart_pb.SetQuantityRequest(user_id=user_id, item=item)
        self.lines.call("SetQuantity", request)

    def remove_item(self, user_id: str, product_id: str) -> None:
        request = cart_pb.RemoveItemRequest(user_id=user_id, product_id=product_id)
        self.lines.call("RemoveItem", request)


def _local() -> CartClient:
    # Imported on first use only: a process that calls this service remotely never loads its ORM.
    from .local import LocalCartClient

    return LocalCartClient()


def cart_client() -> CartClient:
    return registry.pick("cart", local=_local, remote=GrpcCartClient)
