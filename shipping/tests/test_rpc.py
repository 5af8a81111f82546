"""The Shipping service over real gRPC channels."""

import dataclasses
import re
from decimal import Decimal

import grpc
import pytest

from shipping.client import GrpcShippingClient
from shipping.models import Shipment
from shipping.tests.conftest import HOME, ITEMS
from shop.addresses import AddressInvalid
from shop.errors import InvalidArgument
from shop.money import Money
from shop.rpc.convert import address_to_pb, cart_item_to_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

pytestmark = pytest.mark.django_db(transaction=True)


def test_get_quote_as_the_original_frontend_asks_it(grpc_server):
    stub = pb_grpc.ShippingServiceStub(grpc.insecure_channel(grpc_server("shipping")))
    # The original frontend quotes the cart without an address.
    request = pb.GetQuoteRequest(items=[cart_item_to_pb(item) for item in ITEMS])
    cost = stub.GetQuote(request, timeout=5).cost_usd
    assert (cost.currency_code, cost.units, cost.nanos) == ("USD", 8, 990_000_000)
    empty = stub.GetQuote(pb.GetQuoteRequest(), timeout=5).cost_usd
    assert (empty.units, empty.nanos) == (0, 0)
    again = stub.GetQuote(request, timeout=5).cost_usd  # each answer its own cost (none kept)
    assert (again.units, again.nanos) == (8, 990_000_000)


def test_ship_order_stores_a_shipment_and_replays_by_reference(grpc_server):
    stub = pb_grpc.ShippingServiceStub(grpc.insecure_channel(grpc_server("shipping")))
    request = pb.ShipOrderRequest(
        address=address_to_pb(HOME), items=[cart_item_to_pb(item) for item in ITEMS]
    )
    metadata = (("order-reference", "order-42"),)
    first = stub.ShipOrder(request, metadata=metadata, timeout=5).tracking_id
    again = stub.ShipOrder(request, metadata=metadata, timeout=5).tracking_id
    assert re.match(r"^[A-Z]{2}-\d+-\d+$", first) and again == first
    shipment = Shipment.objects.get()
    assert (shipment.reference, shipment.zip_code) == ("order-42", "94043")


def test_a_missing_zip_is_invalid_argument_with_the_message(grpc_server):
    stub = pb_grpc.ShippingServiceStub(grpc.insecure_channel(grpc_server("shipping")))
    address = pb.Address(street_address="1 Main St", city="Springfield", country="US")
    request = pb.ShipOrderRequest(address=address, items=[cart_item_to_pb(ITEMS[0])])
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.ShipOrder(request, timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "Enter the postal code." in excinfo.value.details()


def test_the_remote_client_agrees_with_the_local_one(grpc_server):
    client = GrpcShippingClient(grpc_server("shipping"))
    assert client.get_quote(HOME, ITEMS) == Money(Decimal("8.99"), "USD")
    # The cart page's quote: no address yet.
    assert client.get_quote(None, ITEMS) == Money(Decimal("8.99"), "USD")
    tracking_id = client.ship_order(HOME, ITEMS, reference="order-1")
    assert client.ship_order(HOME, ITEMS, reference="order-1") == tracking_id
    with pytest.raises(AddressInvalid, match="Enter the city"):
        client.ship_order(dataclasses.replace(HOME, city=""), ITEMS)
    # An alphanumeric postal code cannot cross the int32 wire field; refused at the edge.
    with pytest.raises(InvalidArgument, match="numeric zip codes"):
        client.ship_order(dataclasses.replace(HOME, zip_code="SW1A 1AA"), ITEMS)
