"""gRPC shim of the Email service (hipstershop.EmailService): translate and delegate."""

from shop.rpc.convert import order_result_from_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import services
from .client import ORDER_URL_METADATA_KEY

SERVICE_NAMES = ("hipstershop.EmailService",)


class EmailServicer(Servicer, pb_grpc.EmailServiceServicer):
    def SendOrderConfirmation(self, request, context):
        order_url = dict(context.invocation_metadata()).get(ORDER_URL_METADATA_KEY)
        services.order_confirmation_send(
            email=request.email, order=order_result_from_pb(request.order), order_url=order_url
        )
        return pb.Empty()


def add_to_server(server) -> None:
    pb_grpc.add_EmailServiceServicer_to_server(EmailServicer(), server)
