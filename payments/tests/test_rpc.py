"""The Payment service over real gRPC channels."""

import uuid
from decimal import Decimal

import grpc
import pytest

from payments.cards import CardExpired
from payments.client import GrpcPaymentClient
from payments.errors import ChargeKeyVoided
from payments.models import Charge
from payments.services import ChargeStateInvalid
from payments.tests.conftest import card
from shop.money import Money
from shop.rpc.convert import credit_card_to_pb, money_to_pb
from shop.rpc.protos import boutique_payments_pb2 as admin_pb
from shop.rpc.protos import boutique_payments_pb2_grpc as admin_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

pytestmark = pytest.mark.django_db(transaction=True)

USD_20 = Money(Decimal("19.99"), "USD")


def charge_request(number="4111111111111111", **options):
    return pb.ChargeRequest(
        amount=money_to_pb(USD_20), credit_card=credit_card_to_pb(card(number, **options))
    )


def test_charge_returns_a_transaction_id(grpc_server):
    stub = pb_grpc.PaymentServiceStub(grpc.insecure_channel(grpc_server("payments")))
    response = stub.Charge(charge_request(), timeout=5)
    assert Charge.objects.get(pk=uuid.UUID(response.transaction_id)).status == "captured"


def test_a_refused_card_is_invalid_argument_with_the_message(grpc_server):
    stub = pb_grpc.PaymentServiceStub(grpc.insecure_channel(grpc_server("payments")))
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.Charge(charge_request("378282246310005"), timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert excinfo.value.details() == (
        "Sorry, we cannot process American Express credit cards. "
        "Only VISA or MasterCard is accepted."
    )


def test_the_idempotency_key_travels_as_metadata(grpc_server):
    stub = pb_grpc.PaymentServiceStub(grpc.insecure_channel(grpc_server("payments")))
    metadata = (("idempotency-key", "order-7"),)
    first = stub.Charge(charge_request(), metadata=metadata, timeout=5)
    again = stub.Charge(charge_request(), metadata=metadata, timeout=5)
    assert first.transaction_id == again.transaction_id and Charge.objects.count() == 1


def test_a_cvv_with_a_leading_zero_survives_the_int32_field(grpc_server):
    client = GrpcPaymentClient(grpc_server("payments"))
    assert client.charge(USD_20, card(cvv="012"))


def test_the_remote_client_charges_voids_and_raises_the_same_errors(grpc_server):
    address = grpc_server("payments")
    client = GrpcPaymentClient(address)
    transaction_id = client.charge(USD_20, card(), idempotency_key="seam-1")
    client.void(transaction_id)
    client.void(transaction_id)  # a retried compensation changes nothing
    assert Charge.objects.get(pk=transaction_id).status == "voided"
    with pytest.raises(CardExpired, match=r"expired on 1/2020"):
        client.charge(USD_20, card(month=1, year=2020))
    admin = admin_pb_grpc.PaymentAdminServiceStub(grpc.insecure_channel(address))
    with pytest.raises(grpc.RpcError) as excinfo:
        admin.Refund(admin_pb.RefundRequest(transaction_id=transaction_id), timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert ChargeStateInvalid.code in dict(excinfo.value.trailing_metadata()).values()


def test_refund_over_grpc(grpc_server):
    address = grpc_server("payments")
    transaction_id = GrpcPaymentClient(address).charge(USD_20, card())
    admin = admin_pb_grpc.PaymentAdminServiceStub(grpc.insecure_channel(address))
    status = admin.Refund(admin_pb.RefundRequest(transaction_id=transaction_id), timeout=5)
    assert (status.transaction_id, status.status) == (transaction_id, "refunded")
    GrpcPaymentClient(address).refund(transaction_id)  # a retried staff refund changes nothing
    assert Charge.objects.get(pk=transaction_id).status == "refunded"
    with pytest.raises(grpc.RpcError) as excinfo:
        admin.Void(admin_pb.VoidRequest(transaction_id="nope"), timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.NOT_FOUND


def test_void_by_key_over_grpc_voids_the_keyed_charge_and_refuses_a_late_one(grpc_server):
    address = grpc_server("payments")
    client = GrpcPaymentClient(address)
    transaction_id = client.charge(USD_20, card(), idempotency_key="order-answer-lost")
    admin = admin_pb_grpc.PaymentAdminServiceStub(grpc.insecure_channel(address))
    status = admin.VoidByKey(admin_pb.VoidByKeyRequest(idempotency_key="order-answer-lost"))
    assert (status.transaction_id, status.status) == (transaction_id, "voided")

    nothing = admin.VoidByKey(admin_pb.VoidByKeyRequest(idempotency_key="order-never-charged"))
    assert (nothing.transaction_id, nothing.status) == ("", "none")
    with pytest.raises(ChargeKeyVoided):  # a Charge still on its way when the caller gave up
        client.charge(USD_20, card(), idempotency_key="order-never-charged")
    assert not Charge.objects.filter(idempotency_key="order-never-charged").exists()
    with pytest.raises(grpc.RpcError) as excinfo:
        admin.VoidByKey(admin_pb.VoidByKeyRequest(idempotency_key=" "), timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT
