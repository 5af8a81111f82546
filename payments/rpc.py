"""gRPC shims of the Payment service: hipstershop.PaymentService (the original's Charge) and
boutique.PaymentAdminService (Void, VoidByKey and Refund, which the original lacks). Translate
and delegate.
"""

from shop.rpc.convert import credit_card_from_pb, money_from_pb
from shop.rpc.protos import boutique_payments_pb2 as admin_pb
from shop.rpc.protos import boutique_payments_pb2_grpc as admin_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import services

# The original's service first (the deployment's readiness probe asks for it), then ours.
SERVICE_NAMES = ("hipstershop.PaymentService", "boutique.PaymentAdminService")
IDEMPOTENCY_KEY_METADATA = "idempotency-key"


def one_round_trip() -> tuple[str, ...]:
    """A charge by the shop's own processor is one INSERT (and, with a key, one SELECT after
    it): a small pool of its own (shop/rpc/pools.py), apart from the calls that wait longer."""
    return ("/hipstershop.PaymentService/Charge",)


def _metadata(context, key: str) -> str | None:
    return dict(context.invocation_metadata() or ()).get(key)


class PaymentServicer(Servicer, pb_grpc.PaymentServiceServicer):
    def Charge(self, request, context):
        card = credit_card_from_pb(request.credit_card, cvv_digits=3)
        transaction_id = services.payment_charge(
            amount=money_from_pb(request.amount),
            card=card,
            idempotency_key=_metadata(context, IDEMPOTENCY_KEY_METADATA),
        )
        return pb.ChargeResponse(transaction_id=transaction_id)


class PaymentAdminServicer(Servicer, admin_pb_grpc.PaymentAdminServiceServicer):
    def Void(self, request, context):
        charge = services.charge_void(charge_id=request.transaction_id)
        return admin_pb.ChargeStatus(transaction_id=str(charge.id), status=charge.status)

    def VoidByKey(self, request, context):
        charge = services.charge_void_by_key(idempotency_key=request.idempotency_key)
        if charge is None:
            return admin_pb.ChargeStatus(status="none")
        return admin_pb.ChargeStatus(transaction_id=str(charge.id), status=charge.status)

    def Refund(self, request, context):
        charge = services.payment_refund(transaction_id=request.transaction_id)
        return admin_pb.ChargeStatus(transaction_id=str(charge.id), status=charge.status)


def add_to_server(server) -> None:
    pb_grpc.add_PaymentServiceServicer_to_server(PaymentServicer(), server)
    admin_pb_grpc.add_PaymentAdminServiceServicer_to_server(PaymentAdminServicer(), server)
