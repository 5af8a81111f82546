"""Our gRPC payment client against the original Online Boutique payment service, and a checkout
that depends on it: a refusal is a declined card with the original's words, the missing Void is
told truthfully (order flagged, "the money will be returned"), and a Charge whose answer was lost
is asked again only of a server that declared it honours the idempotency key.

The original (Node, src/paymentservice in GoogleCloudPlatform/microservices-demo) is not a
package of its own: its code lives in that repository, which the tests cannot fetch. Its npm
dependencies (@grpc/grpc-js, simple-card-validator) are on npm, and a grpc-js server answering as
it does (an error whose `code` is 400) was checked by hand once: grpcio reads it as UNKNOWN with
the message as details. So the stand-in below does exactly what matters here, small: only
hipstershop.PaymentService, its refusals as UNKNOWN with its messages, no boutique.* services, no
reflection, the idempotency-key metadata ignored, and a health service answering SERVING for any
name as the original's does (which is why discovery asks reflection, not health).
"""

from __future__ import annotations

import threading
import uuid
from concurrent import futures
from decimal import Decimal

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from checkout.compensation import MONEY_RETURNED, NOT_CHARGED
from checkout.models import Order
from checkout.services import order_place
from payments.client import IDEMPOTENT_CHARGES_SERVICE, GrpcPaymentClient
from payments.errors import CardDeclined
from shop import registry
from shop.dto import CreditCard
from shop.errors import NotSupported, ServiceUnavailable
from shop.money import Money
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

pytestmark = pytest.mark.django_db(transaction=True)

TEN_USD = Money(Decimal("10.00"), "USD")
VISA = CreditCard(number="4432801561520454", cvv="672", expiration_year=2039, expiration_month=1)
AMEX = CreditCard(number="378282246310005", cvv="1234", expiration_year=2039, expiration_month=1)
EXPIRED = CreditCard(number="4432801561520454", cvv="672", expiration_year=2020, expiration_month=3)
INVALID = CreditCard(number="4432801561520455", cvv="672", expiration_year=2039, expiration_month=1)
REFUSALS = {
    AMEX.number: "Sorry, we cannot process amex credit cards. Only VISA or MasterCard is accepted.",
    INVALID.number: "Credit card info is invalid",
}
EXPIRED_REFUSAL = "Your credit card (ending 0454) expired on 3/2020"


class OriginalPayment(pb_grpc.PaymentServiceServicer):
    """The original's Charge, as far as a client can tell (see the module's docstring)."""

    def __init__(self):
        self.charges: list[str] = []
        # While set, a charge is made but its answer never comes (the caller's deadline passes).
        self.losing_answers = False
        self.released = threading.Event()
        self.fault: str | None = None

    def Charge(self, request, context):
        number = request.credit_card.credit_card_number
        if self.fault:
            context.abort(grpc.StatusCode.UNKNOWN, self.fault)
        if number in REFUSALS:
            context.abort(grpc.StatusCode.UNKNOWN, REFUSALS[number])
        if request.credit_card.credit_card_expiration_year < 2026:
            context.abort(grpc.StatusCode.UNKNOWN, EXPIRED_REFUSAL)
        self.charges.append(str(uuid.uuid4()))
        if self.losing_answers:
            self.released.wait(timeout=30)
        return pb.ChargeResponse(transaction_id=self.charges[-1])


class AnyNameServing(health_pb2_grpc.HealthServicer):
    def Check(self, request, context):
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


class KeyedPayment(OriginalPayment):
    """A payment server that honours the idempotency key (as ours does): same key, same charge."""

    def __init__(self):
        super().__init__()
        self.by_key: dict[str, str] = {}

    def Charge(self, request, context):
        key = dict(context.invocation_metadata()).get("idempotency-key")
        if key in self.by_key:
            return pb.ChargeResponse(transaction_id=self.by_key[key])
        losing = self.losing_answers
        self.losing_answers = False  # only the first answer is lost
        self.charges.append(str(uuid.uuid4()))
        self.by_key[key] = self.charges[-1]
        if losing:
            self.released.wait(timeout=30)
        return pb.ChargeResponse(transaction_id=self.charges[-1])


def serve(servicer, *, declares: tuple[str, ...] = ()):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_PaymentServiceServicer_to_server(servicer, server)
    health_pb2_grpc.add_HealthServicer_to_server(AnyNameServing(), server)
    if declares:
        reflection.enable_server_reflection([*declares, reflection.SERVICE_NAME], server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


@pytest.fixture
def original(grpc_server):  # grpc_server: closes the client channels and the registry after
    servicer = OriginalPayment()
    server, address = serve(servicer)
    yield servicer, address
    servicer.released.set()
    server.stop(grace=None)


def test_a_refusal_of_the_original_is_a_declined_card_with_its_words(original):
    _servicer, address = original
    client = GrpcPaymentClient(address, deadline=10)
    refusals = [(AMEX, REFUSALS[AMEX.number]), (INVALID, REFUSALS[INVALID.number]),
                (EXPIRED, EXPIRED_REFUSAL)]  # fmt: skip
    for card, words in refusals:
        with pytest.raises(CardDeclined) as excinfo:
            client.charge(TEN_USD, card, idempotency_key="order-1")
        assert excinfo.value.message == words and excinfo.value.kind == "declined"


def test_another_unknown_failure_of_the_original_is_not_shown_as_a_refusal(original):
    servicer, address = original
    servicer.fault = "TypeError: Cannot read properties of undefined (reading 'units')"
    with pytest.raises(ServiceUnavailable) as excinfo:
        GrpcPaymentClient(address, deadline=10).charge(TEN_USD, VISA)
    assert "TypeError" not in excinfo.value.message


def test_the_original_has_no_void_or_refund(original):
    servicer, address = original
    client = GrpcPaymentClient(address, deadline=10)
    charge_id = client.charge(TEN_USD, VISA)
    for operation in (client.void, client.refund):
        with pytest.raises(NotSupported, match="does not offer"):
            operation(charge_id)


def test_a_lost_charge_answer_is_never_asked_again_of_the_original(original):
    servicer, address = original
    servicer.losing_answers = True
    client = GrpcPaymentClient(address, deadline=3)
    with pytest.raises(ServiceUnavailable):
        client.charge(TEN_USD, VISA, idempotency_key="order-1")
    assert len(servicer.charges) == 1  # it ignores the key: a second Charge would charge again
    assert not client.offers(IDEMPOTENT_CHARGES_SERVICE)


def test_a_lost_charge_answer_is_asked_again_of_a_server_that_honours_the_key(grpc_server):
    servicer = KeyedPayment()
    servicer.losing_answers = True
    server, address = serve(servicer, declares=(IDEMPOTENT_CHARGES_SERVICE,))
    try:
        transaction_id = GrpcPaymentClient(address, deadline=3).charge(
            TEN_USD, VISA, idempotency_key="order-1"
        )
    finally:
        servicer.released.set()
        server.stop(grace=None)
    assert servicer.charges == [transaction_id]


def test_our_payment_server_declares_that_it_honours_the_key(grpc_server):
    client = GrpcPaymentClient(grpc_server("payments"), deadline=10)
    assert client.offers(IDEMPOTENT_CHARGES_SERVICE)


def place_paying_at(payment_address: str, address, card: CreditCard) -> None:
    with registry.override("payments", GrpcPaymentClient(payment_address, deadline=10)):
        order_place(user_id="visitor-1", user_currency="USD", address=address,
                    email="ada@example.com", credit_card=card)  # fmt: skip


def test_a_checkout_at_the_original_tells_the_truth_when_the_charge_cannot_be_voided(
    original, fakes, address, card
):
    servicer, payment_address = original
    fakes.cart.add_item("visitor-1", "66VCHSJNUP", 1)
    fakes.shipping.ship_down = True
    with pytest.raises(ServiceUnavailable) as excinfo:
        place_paying_at(payment_address, address, card)
    assert MONEY_RETURNED in excinfo.value.message and NOT_CHARGED not in excinfo.value.message
    order = Order.objects.get()
    assert order.status == Order.Status.FAILED and order.charge_id == servicer.charges[0]
    assert (
        order.needs_attention and f"{order.charge_id} could NOT be voided" in order.attention_note
    )
    assert "does not offer Void" in order.attention_note
    assert MONEY_RETURNED in order.failure_reason  # what a repeated submission is told


def test_a_refused_card_at_the_original_fails_the_checkout_with_its_words(original, fakes, address):
    _servicer, payment_address = original
    fakes.cart.add_item("visitor-1", "66VCHSJNUP", 1)
    with pytest.raises(CardDeclined, match="cannot process amex"):
        place_paying_at(payment_address, address, AMEX)
    assert Order.objects.get().failure_kind == "declined"
