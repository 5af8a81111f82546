"""gRPC shim of the Checkout service (hipstershop.CheckoutService): translate and delegate."""

from shop.rpc.convert import address_from_pb, credit_card_from_pb, order_result_to_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import services

SERVICE_NAMES = ("hipstershop.CheckoutService",)


class CheckoutServicer(Servicer, pb_grpc.CheckoutServiceServicer):
    def PlaceOrder(self, request, context):
        result = services.order_place(
            user_id=request.user_id,
            user_currency=request.user_currency,
            address=address_from_pb(request.address),
            email=request.email,
            credit_card=credit_card_from_pb(request.credit_card),
        )
        return pb.PlaceOrderResponse(order=order_result_to_pb(result))


def add_to_server(server) -> None:
    pb_grpc.add_CheckoutServiceServicer_to_server(CheckoutServicer(), server)
