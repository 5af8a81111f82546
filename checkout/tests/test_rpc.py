"""gRPC CheckoutService.PlaceOrder over a real channel."""

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import grpc
import pytest

from checkout.client import GrpcCheckoutClient
from checkout.models import Order
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from testing.fixtures import VISA

pytestmark = pytest.mark.django_db(transaction=True)


def request(number=VISA, user_id="grpc-user"):
    return pb.PlaceOrderRequest(
        user_id=user_id,
        user_currency="CAD",
        email="ada@example.com",
        address=pb.Address(street_address="1 Main St", city="Springfield", state="IL",
                           country="United States", zip_code=62701),
        credit_card=pb.CreditCardInfo(credit_card_number=number, credit_card_cvv=672,
                                      credit_card_expiration_year=2039,
                                      credit_card_expiration_month=1),
    )  # fmt: skip


@pytest.fixture
def stub(grpc_server):
    return pb_grpc.CheckoutServiceStub(grpc.insecure_channel(grpc_server("checkout")))


def test_place_order_returns_the_order_result(stub, fakes):
    fakes.cart.add_item("grpc-user", "66VCHSJNUP", 2)
    response = stub.PlaceOrder(request(), timeout=10)
    order = Order.objects.get()
    assert response.order.order_id == str(order.id)
    assert response.order.shipping_tracking_id == order.tracking_id
    assert response.order.shipping_address.zip_code == 62701
    (item,) = response.order.items
    # 18.99 USD in CAD = 25.41 shown (per unit, as the original's OrderItem.cost).
    assert (item.item.quantity, item.cost.currency_code, item.cost.units, item.cost.nanos) == (
        2, "CAD", 25, 410_000_000
    )  # fmt: skip


def test_an_empty_cart_is_failed_precondition(stub, fakes):
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.PlaceOrder(request(), timeout=10)
    assert excinfo.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_a_bad_card_is_invalid_argument(stub, fakes):
    fakes.cart.add_item("grpc-user", "66VCHSJNUP", 1)
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.PlaceOrder(request(number="4432801561520453"), timeout=10)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_the_remote_client_gets_the_same_result_and_errors(grpc_server, fakes):
    from checkout.errors import CartEmpty
    from shop.rpc.convert import address_from_pb, credit_card_from_pb

    client = GrpcCheckoutClient(grpc_server("checkout"))
    message = request(user_id="remote")
    arguments = dict(user_id="remote", user_currency="CAD", email="ada@example.com",
                     address=address_from_pb(message.address),
                     credit_card=credit_card_from_pb(message.credit_card))  # fmt: skip
    with pytest.raises(CartEmpty):
        client.place_order(**arguments)
    fakes.cart.add_item("remote", "66VCHSJNUP", 1)
    result = client.place_order(**arguments)
    assert result == client.place_order(**arguments)  # a retried call places no second order
    assert Order.objects.get().tracking_id == result.shipping_tracking_id


def test_compensation_voids_the_charge_over_grpc(grpc_server, fakes, address, card):
    """Shipping fails after the charge: checkout voids it through the remote payment service
    (boutique.PaymentAdminService/Void), and the order records the failure."""
    from checkout.services import order_place
    from payments.client import GrpcPaymentClient
    from payments.models import Charge  # the payment service's own record, checked for real
    from shop import registry
    from shop.errors import ServiceUnavailable

    fakes.cart.add_item("grpc-user", "OLJCESPC7Z", 1)
    fakes.shipping.ship_down = True
    remote_payments = GrpcPaymentClient(grpc_server("payments"))
    with registry.override("payments", remote_payments), pytest.raises(ServiceUnavailable):
        order_place(user_id="grpc-user", user_currency="EUR", address=address,
                    email="ada@example.com", credit_card=card)  # fmt: skip
    (charge,) = Charge.objects.all()
    assert charge.status == Charge.Status.VOIDED
    order = Order.objects.get()
    assert order.status == Order.Status.FAILED and order.charge_id == str(charge.id)
    assert "could NOT be voided" not in order.failure_reason
    assert fakes.cart.get_cart("grpc-user").size == 1


def test_the_storefront_places_and_reads_customer_orders_over_grpc(grpc_server, fakes, card):
    """boutique.CustomerOrderService: the same placement, answered with the customer's view and
    access link; text the original's int32 fields cannot carry (a UK postcode, a CVV with a
    leading zero) arrives intact; a wrong token is NOT_FOUND, like an unknown order."""
    from checkout.local import LocalCheckoutClient
    from shop.dto import Address
    from shop.errors import NotFound

    client = GrpcCheckoutClient(grpc_server("checkout"))
    london = Address("10 Downing Street", "London", "", "United Kingdom", "SW1A 2AA")
    fakes.cart.add_item("customer", "66VCHSJNUP", 2)
    arguments = dict(user_id="customer", user_currency="EUR", address=london,
                     email="ada@example.com", credit_card=replace(card, cvv="072"))  # fmt: skip
    # As an int32 the CVV would arrive as "72", which checkout refuses (3 or 4 digits).
    placed = client.place_customer_order(**arguments)
    order = Order.objects.get()
    assert placed.order_id == str(order.id) and placed.status == "paid"
    assert placed.shipping_address == london and order.zip_code == "SW1A 2AA"
    assert [(line.name, line.quantity) for line in placed.lines] == [("Tank Top", 2)]
    assert placed.total.currency == "EUR" and placed.total.amount == order.total
    token = parse_qs(urlsplit(placed.access_path).query)["token"][0]
    assert client.customer_order(placed.order_id, token) == placed
    assert LocalCheckoutClient().customer_order(placed.order_id, token) == placed
    with pytest.raises(NotFound):
        client.customer_order(placed.order_id, "not-the-token")


def test_per_field_messages_arrive_from_a_remote_checkout(grpc_server):
    from checkout.services import order_place
    from shop.dto import Address, CreditCard
    from shop.errors import InvalidArgument

    arguments = dict(
        user_id="remote", user_currency="EUR", email="not-an-address",
        address=Address(street_address="1 Main St", city=" ", state="IL",
                        country="United States", zip_code="62701"),
        credit_card=CreditCard(number=VISA, cvv="672", expiration_year=2039,
                               expiration_month=13),
    )  # fmt: skip
    with pytest.raises(InvalidArgument) as local:
        order_place(**arguments)
    client = GrpcCheckoutClient(grpc_server("checkout"))
    with pytest.raises(InvalidArgument) as remote:
        client.place_order(**arguments)
    assert set(local.value.fields) == {"email", "city", "credit_card_expiration_month"}
    assert remote.value.fields == local.value.fields
    assert remote.value.message == local.value.message


def test_another_checkout_of_a_cart_in_flight_is_aborted_with_a_retry_hint(stub, fakes):
    fakes.cart.add_item("grpc-user", "66VCHSJNUP", 1)
    first = stub.PlaceOrder(request(), timeout=10).order.order_id
    Order.objects.filter(pk=first).update(status=Order.Status.PENDING)  # still being charged
    fakes.cart.add_item("grpc-user", "66VCHSJNUP", 1)
    other = request()
    other.email = "eve@example.com"
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.PlaceOrder(other, timeout=10)
    assert excinfo.value.code() == grpc.StatusCode.ABORTED
    assert "already being checked out" in excinfo.value.details()
    metadata = dict(excinfo.value.trailing_metadata())
    assert metadata["shop-error-code"] == "cart_checkout_in_progress"
    assert metadata["shop-retry-after"] == "2"
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1


def test_the_storefront_is_answered_with_the_order_that_came_first(grpc_server, fakes, card):
    from shop.dto import Address

    client = GrpcCheckoutClient(grpc_server("checkout"))
    fakes.cart.add_item("customer", "66VCHSJNUP", 1)
    arguments = dict(user_id="customer", user_currency="EUR", email="ada@example.com",
                     address=Address("1 Main St", "Springfield", "IL", "United States", "62701"),
                     credit_card=card)  # fmt: skip
    first = client.place_customer_order(**arguments)
    Order.objects.filter(pk=first.order_id).update(status=Order.Status.PENDING)
    fakes.cart.add_item("customer", "66VCHSJNUP", 1)
    answer = client.place_customer_order(**(arguments | {"email": "eve@example.com"}))
    assert (answer.order_id, answer.status) == (first.order_id, "pending")
    assert answer.access_path == first.access_path
    assert len(fakes.payment.charges) == 1
