"""gRPC: hipstershop.CartService and boutique.CartLineService over a real channel."""

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from cart.client import GrpcCartClient, cart_client
from cart.local import LocalCartClient
from cart.services import CartLineLimit, InvalidQuantity
from shop import registry
from shop.dto import CartItem
from shop.errors import NotFound
from shop.rpc.protos import boutique_cart_pb2 as cart_pb
from shop.rpc.protos import boutique_cart_pb2_grpc as cart_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("catalog")]

MUG, SUNGLASSES = "6E92ZMYYFZ", "OLJCESPC7Z"


@pytest.fixture
def stub(grpc_server, any_store):
    return pb_grpc.CartServiceStub(grpc.insecure_channel(grpc_server("cart")))


def add(stub, user_id, product_id, quantity):
    item = pb.CartItem(product_id=product_id, quantity=quantity)
    return stub.AddItem(pb.AddItemRequest(user_id=user_id, item=item), timeout=5)


def test_add_adds_to_the_existing_quantity_get_and_empty(stub):
    add(stub, "alice", MUG, 2)
    add(stub, "alice", MUG, 3)
    add(stub, "alice", SUNGLASSES, 1)
    cart = stub.GetCart(pb.GetCartRequest(user_id="alice"), timeout=5)
    assert cart.user_id == "alice"
    assert [(i.product_id, i.quantity) for i in cart.items] == [(MUG, 5), (SUNGLASSES, 1)]
    stub.EmptyCart(pb.EmptyCartRequest(user_id="alice"), timeout=5)
    assert list(stub.GetCart(pb.GetCartRequest(user_id="alice"), timeout=5).items) == []


def test_unknown_user_gets_an_empty_cart(stub):
    cart = stub.GetCart(pb.GetCartRequest(user_id="stranger"), timeout=5)
    assert cart.user_id == "stranger" and list(cart.items) == []


@pytest.mark.parametrize(
    "product_id,quantity,status",
    [
        (MUG, 0, grpc.StatusCode.INVALID_ARGUMENT),
        (MUG, -3, grpc.StatusCode.INVALID_ARGUMENT),
        (MUG, 11, grpc.StatusCode.INVALID_ARGUMENT),
        ("NOSUCHPROD", 1, grpc.StatusCode.NOT_FOUND),
        ("", 1, grpc.StatusCode.INVALID_ARGUMENT),
    ],
)
def test_bad_items_get_a_clear_status(stub, product_id, quantity, status):
    with pytest.raises(grpc.RpcError) as excinfo:
        add(stub, "alice", product_id, quantity)
    assert excinfo.value.code() == status
    assert excinfo.value.details()
    assert list(stub.GetCart(pb.GetCartRequest(user_id="alice"), timeout=5).items) == []


def test_missing_user_id_is_invalid_argument(stub):
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.GetCart(pb.GetCartRequest(), timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_line_extension_sets_and_removes(grpc_server, any_store):
    address = grpc_server("cart")
    lines = cart_pb_grpc.CartLineServiceStub(grpc.insecure_channel(address))
    item = pb.CartItem(product_id=MUG, quantity=12)
    lines.SetQuantity(cart_pb.SetQuantityRequest(user_id="alice", item=item), timeout=5)
    client = GrpcCartClient(address)
    assert client.get_cart("alice").items == (CartItem(MUG, 12),)
    lines.RemoveItem(cart_pb.RemoveItemRequest(user_id="alice", product_id=MUG), timeout=5)
    assert client.get_cart("alice").items == ()
    health = health_pb2_grpc.HealthStub(grpc.insecure_channel(address))
    check = health_pb2.HealthCheckRequest(service="boutique.CartLineService")
    assert health.Check(check, timeout=5).status == health_pb2.HealthCheckResponse.SERVING


def test_remote_client_behaves_like_the_local_one(grpc_server, any_store, settings):
    settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, "cart": grpc_server("cart")}
    registry.reset()
    remote, local = cart_client(), LocalCartClient()
    assert isinstance(remote, GrpcCartClient)
    remote.add_item("alice", MUG, 4)
    remote.set_quantity("alice", SUNGLASSES, 2)
    assert remote.get_cart("alice") == local.get_cart("alice")
    remote.set_quantity("alice", MUG, 99)
    with pytest.raises(CartLineLimit, match="at most 99"):
        remote.add_item("alice", MUG, 1)
    with pytest.raises(InvalidQuantity, match="from 1 to 10"):
        remote.add_item("alice", MUG, 11)
    with pytest.raises(NotFound):
        remote.add_item("alice", "NOSUCHPROD", 1)
    remote.remove_item("alice", SUNGLASSES)
    remote.empty_cart("bob")
    assert local.get_cart("alice").items == (CartItem(MUG, 99),)
