"""gRPC shim of the Cart service: hipstershop.CartService (the original's protocol) and our
extension boutique.CartLineService (per-line changes). Translate and delegate to services.py."""

from shop.rpc.convert import cart_item_to_pb
from shop.rpc.protos import boutique_cart_pb2_grpc as cart_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import services

# The original's service first (the deployment's readiness probe asks for it), then ours.
SERVICE_NAMES = ("hipstershop.CartService", "boutique.CartLineService")
# The health status follows these (shop/observability/readiness.py): with REDIS_URL set, the
# carts live in Redis.
DEPENDENCIES = ("database", "redis")


def from_memory() -> tuple[str, ...]:
    """Answered from the carts this process holds (remembered until Redis reports a write to
    them: cart/tracked.py): a small pool of their own (shop/rpc/pools.py). A cart not held is one
    Redis read, bounded by REDIS_SOCKET_TIMEOUT_SECONDS and Redis's circuit breaker."""
    return ("/hipstershop.CartService/GetCart",)


class CartServicer(Servicer, pb_grpc.CartServiceServicer):
    def AddItem(self, request, context):
        services.cart_add_item(
            user_id=request.user_id,
            product_id=request.item.product_id,
            quantity=request.item.quantity,
        )
        return pb.Empty()

    def GetCart(self, request, context):
        cart = services.cart_get(user_id=request.user_id)
        return pb.Cart(user_id=cart.user_id, items=[cart_item_to_pb(i) for i in cart.items])

    def EmptyCart(self, request, context):
        services.cart_empty(user_id=request.user_id)
        return pb.Empty()


class CartLineServicer(Servicer, cart_pb_grpc.CartLineServiceServicer):
    def SetQuantity(self, request, context):
        services.cart_set_quantity(
            user_id=request.user_id,
            product_id=request.item.product_id,
            quantity=request.item.quantity,
        )
        return pb.Empty()

    def RemoveItem(self, request, context):
        services.cart_remove_item(user_id=request.user_id, product_id=request.product_id)
        return pb.Empty()


def add_to_server(server) -> None:
    pb_grpc.add_CartServiceServicer_to_server(CartServicer(), server)
    cart_pb_grpc.add_CartLineServiceServicer_to_server(CartLineServicer(), server)
