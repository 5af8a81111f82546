"""The Cart service's interface, as its consumers see it, and its implementations.

The local implementation calls cart/services.py (filled by the cart issue).
"""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.dto import Cart
from shop.rpc.client import RemoteClient
from shop.rpc.convert import cart_item_from_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

from . import services


class CartClient(Protocol):
    def add_item(self, user_id: str, product_id: str, quantity: int) -> None:
        """Adds to the quantity already in the cart; quantity < 1 or an unknown product refused."""
        ...

    def get_cart(self, user_id: str) -> Cart:
        """An empty cart for a user who has none."""
        ...

    def empty_cart(self, user_id: str) -> None: ...


class LocalCartClient:
    def add_item(self, user_id: str, product_id: str, quantity: int) -> None:
        services.cart_add_item(user_id=user_id, product_id=product_id, quantity=quantity)

    def get_cart(self, user_id: str) -> Cart:
        return services.cart_get(user_id=user_id)

    def empty_cart(self, user_id: str) -> None:
        services.cart_empty(user_id=user_id)


class GrpcCartClient(RemoteClient):
    stub_class = pb_grpc.CartServiceStub
    service_label = "cart"

    def add_item(self, user_id: str, product_id: str, quantity: int) -> None:
        # Not idempotent: a retried AddItem could add twice.
        item = pb.CartItem(product_id=product_id, quantity=quantity)
        self.call("AddItem", pb.AddItemRequest(user_id=user_id, item=item), idempotent=False)

    def get_cart(self, user_id: str) -> Cart:
        response = self.call("GetCart", pb.GetCartRequest(user_id=user_id), idempotent=True)
        return Cart(user_id=user_id, items=tuple(cart_item_from_pb(i) for i in response.items))

    def empty_cart(self, user_id: str) -> None:
        self.call("EmptyCart", pb.EmptyCartRequest(user_id=user_id), idempotent=True)


def cart_client() -> CartClient:
    return registry.pick("cart", local=LocalCartClient, remote=GrpcCartClient)
