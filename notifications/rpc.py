"""gRPC shims of the Email service: hipstershop.EmailService (the original's confirmation) and
boutique.EmailAdminService (resend and the delivery figures, which the original lacks).
Translate and delegate."""

from datetime import date

from shop.errors import InvalidArgument
from shop.rpc.convert import order_result_from_pb
from shop.rpc.protos import boutique_notifications_pb2 as admin_pb
from shop.rpc.protos import boutique_notifications_pb2_grpc as admin_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import selectors, services
from .client import ORDER_URL_METADATA_KEY

# The original's service first (the deployment's readiness probe asks for it), then ours.
SERVICE_NAMES = ("hipstershop.EmailService", "boutique.EmailAdminService")


def _order_url(context) -> str | None:
    return dict(context.invocation_metadata() or ()).get(ORDER_URL_METADATA_KEY)


class EmailServicer(Servicer, pb_grpc.EmailServiceServicer):
    def SendOrderConfirmation(self, request, context):
        services.order_confirmation_send(
            email=request.email,
            order=order_result_from_pb(request.order),
            order_url=_order_url(context),
        )
        return pb.Empty()


class EmailAdminServicer(Servicer, admin_pb_grpc.EmailAdminServiceServicer):
    def ResendOrderConfirmation(self, request, context):
        services.order_confirmation_resend(
            email=request.email,
            order=order_result_from_pb(request.order),
            order_url=_order_url(context),
        )
        return pb.Empty()

    def DeliveryReport(self, request, context):
        try:
            since = date.fromisoformat(request.since)
        except ValueError as exc:
            message = "since must be a date as YYYY-MM-DD."
            raise InvalidArgument(message, fields={"since": [message]}) from exc
        days = selectors.delivery_report(since=since)
        return admin_pb.DeliveryReportResponse(
            days=[
                admin_pb.DeliveryDay(day=day.day.isoformat(), sent=day.sent, failed=day.failed)
                for day in days
            ]
        )


def add_to_server(server) -> None:
    pb_grpc.add_EmailServiceServicer_to_server(EmailServicer(), server)
    admin_pb_grpc.add_EmailAdminServiceServicer_to_server(EmailAdminServicer(), server)
