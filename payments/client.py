"""The Payment service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked)."""

from __future__ import annotations

import re
from typing import Protocol

from shop import registry
from shop.dto import CreditCard
from shop.errors import ServiceUnavailable
from shop.money import Money
from shop.rpc.client import RemoteClient
from shop.rpc.convert import credit_card_to_pb, money_to_pb
from shop.rpc.error_metadata import ERROR_CODE_KEY
from shop.rpc.lazy import LazyModule

# Registers the payment service's error codes (those of the card checks too), so remote calls
# raise its own errors.
from . import cards, errors  # noqa: F401
from .errors import CardDeclined

# grpc and the generated modules load with the first remote call (shop/rpc/lazy.py).
grpc = LazyModule("grpc")
admin_pb = LazyModule("shop.rpc.protos.boutique_payments_pb2")
admin_pb_grpc = LazyModule("shop.rpc.protos.boutique_payments_pb2_grpc")
pb = LazyModule("shop.rpc.protos.hipstershop_pb2")
pb_grpc = LazyModule("shop.rpc.protos.hipstershop_pb2_grpc")

# The original payment service refuses a card with its own error code 400, which gRPC clients
# read as UNKNOWN with the message as details. These are its refusals (paymentservice/charge.js),
# safe to show a customer; any other UNKNOWN stays a fault of the service.
ORIGINAL_REFUSALS = re.compile(
    r"Credit card info is invalid"
    r"|Sorry, we cannot process [\w -]+ credit cards\. Only VISA or MasterCard is accepted\."
    r"|Your credit card \(ending [^)]{1,4}\) expired on \d+/\d+"
)
# Our payment server serves this extension and honours the `idempotency-key` metadata of a
# Charge; the original has neither (it ignores the key, so a repeated Charge charges twice).
IDEMPOTENT_CHARGES_SERVICE = "boutique.PaymentAdminService"


class PaymentClient(Protocol):
    def charge(self, amount: Money, card: CreditCard, *, idempotency_key: str | None = None) -> str:
        """Charges the card and returns the transaction id; the same key never charges twice."""
        ...

    def void(self, transaction_id: str) -> None:
        """Gives the money back (compensation when a later checkout step fails)."""
        ...

    def void_by_key(self, idempotency_key: str) -> None:
        """Voids whatever was charged under the key (nothing, when no charge was made) and
        forbids the key: for a caller that never learnt the charge's transaction id."""
        ...

    def refund(self, transaction_id: str) -> None:
        """Gives the whole captured amount back (staff refunds); refunding again changes
        nothing."""
        ...


class _GrpcPaymentAdminClient(RemoteClient):
    """boutique.PaymentAdminService, served next to hipstershop.PaymentService."""

    stub_module = admin_pb_grpc
    stub_name = "PaymentAdminServiceStub"
    service_label = "payment"


class GrpcPaymentClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "PaymentServiceStub"
    service_label = "payment"

    def __init__(self, address: str, **options) -> None:
        super().__init__(address, **options)
        self.admin = _GrpcPaymentAdminClient(address, **options)

    def charge(self, amount: Money, card: CreditCard, *, idempotency_key: str | None = None) -> str:
        request = pb.ChargeRequest(amount=money_to_pb(amount), credit_card=credit_card_to_pb(card))
        # hipstershop.ChargeRequest has no idempotency field: the key travels as metadata. The
        # channel attempts Charge once (shop/rpc/retry.py).
        metadata = (("idempotency-key", idempotency_key),) if idempotency_key else None
        try:
            return self.call("Charge", request, metadata=metadata).transaction_id
        except ServiceUnavailable:
            # No answer: the card may or may not have been charged. A server that declared it
            # honours the key answers a second Charge with that same charge (or makes the only
            # one), which turns an unknown outcome into a known one. Any other server is never
            # asked twice: it would charge twice.
            if not idempotency_key or not self.offers(IDEMPOTENT_CHARGES_SERVICE):
                raise
            return self.call("Charge", request, metadata=metadata).transaction_id

    def _domain_error(self, method: str, exc: grpc.RpcError) -> Exception:
        metadata = dict(exc.trailing_metadata() or ())
        details = exc.details() or ""
        if (
            method == "Charge"
            and exc.code() == grpc.StatusCode.UNKNOWN
            and ERROR_CODE_KEY not in metadata
            and ORIGINAL_REFUSALS.fullmatch(details)
        ):
            return CardDeclined(details)
        return super()._domain_error(method, exc)

    def void(self, transaction_id: str) -> None:
        # Voiding twice changes nothing, so a lost answer may be retried.
        request = admin_pb.VoidRequest(transaction_id=transaction_id)
        self.admin.call("Void", request)

    def void_by_key(self, idempotency_key: str) -> None:
        # Repeating it changes nothing: safe to retry.
        request = admin_pb.VoidByKeyRequest(idempotency_key=idempotency_key)
        self.admin.call("VoidByKey", request)

    def refund(self, transaction_id: str) -> None:
        # Refunding twice changes nothing (see services.payment_refund): safe to retry.
        request = admin_pb.RefundRequest(transaction_id=transaction_id)
        self.admin.call("Refund", request)


def _local() -> PaymentClient:
    # Imported on first use only: a process that calls this service remotely never loads its ORM.
    from .local import LocalPaymentClient

    return LocalPaymentClient()


def payment_client() -> PaymentClient:
    return registry.pick("payments", local=_local, remote=GrpcPaymentClient)
