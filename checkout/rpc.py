"""gRPC shim of the Checkout service (hipstershop.CheckoutService, and our extension
boutique.CustomerOrderService for the storefront): translate and delegate."""

from shop.rpc.convert import (
    address_from_pb,
    credit_card_from_pb,
    customer_order_to_pb,
    customer_place_order_from_pb,
    order_result_to_pb,
)
from shop.rpc.protos import boutique_checkout_pb2_grpc as checkout_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import customer_orders, services

SERVICE_NAMES = ("hipstershop.CheckoutService", "boutique.CustomerOrderService")


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


class CustomerOrderServicer(Servicer, checkout_pb_grpc.CustomerOrderServiceServicer):
    def PlaceOrder(self, request, context):
        order = customer_orders.customer_order_place(**customer_place_order_from_pb(request))
        return customer_order_to_pb(order)

    def GetOrder(self, request, context):
        order = customer_orders.customer_order_get(
            order_id=request.order_id, token=request.access_token
        )
        return customer_order_to_pb(order)


def add_to_server(server) -> None:
    pb_grpc.add_CheckoutServiceServicer_to_server(CheckoutServicer(), server)
    checkout_pb_grpc.add_CustomerOrderServiceServicer_to_server(CustomerOrderServicer(), server)
