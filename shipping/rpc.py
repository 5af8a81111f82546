"""gRPC shims of the Shipping service: hipstershop.ShippingService (the original's quote and
ShipOrder) and boutique.ShipmentAdminService (Cancel, which the original lacks). Translate and
delegate."""

from django.conf import settings

from shop.money import Money
from shop.rpc.convert import address_from_pb, cart_item_from_pb, money_to_pb
from shop.rpc.protos import boutique_shipping_pb2 as admin_pb
from shop.rpc.protos import boutique_shipping_pb2_grpc as admin_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import services

# The original's service first (the deployment's readiness probe asks for it), then ours.
SERVICE_NAMES = ("hipstershop.ShippingService", "boutique.ShipmentAdminService")
ORDER_REFERENCE_METADATA = "order-reference"


def from_memory() -> tuple[str, ...]:
    """A quote is answered from memory (the rates' memo; the products' for a free-shipping
    threshold) when the catalog is served in this process; when the catalog is another service,
    a quote may wait on it, and stays in the server's pool (shop/rpc/pools.py)."""
    if settings.SERVICE_ADDRS["catalog"]:
        return ()
    return ("/hipstershop.ShippingService/GetQuote",)


class ShippingServicer(Servicer, pb_grpc.ShippingServiceServicer):
    # The last cost sent and its wire form: quotes are nearly always the flat rate or free, and
    # a message given to another's constructor is copied, so the one kept is never shared.
    _last_cost: tuple[Money, pb.Money] | None = None

    def GetQuote(self, request, context):
        cost = services.shipping_quote(
            address=address_from_pb(request.address),
            items=tuple(cart_item_from_pb(item) for item in request.items),
        )
        last = self._last_cost
        if last is None or last[0] != cost:
            last = self._last_cost = (cost, money_to_pb(cost))
        return pb.GetQuoteResponse(cost_usd=last[1])

    def ShipOrder(self, request, context):
        tracking_id = services.shipment_create(
            address=address_from_pb(request.address),
            items=tuple(cart_item_from_pb(item) for item in request.items),
            reference=dict(context.invocation_metadata() or ()).get(ORDER_REFERENCE_METADATA),
        )
        return pb.ShipOrderResponse(tracking_id=tracking_id)


class ShipmentAdminServicer(Servicer, admin_pb_grpc.ShipmentAdminServiceServicer):
    def Cancel(self, request, context):
        shipment = services.shipment_cancel(
            tracking_id=request.tracking_id, reference=request.reference
        )
        if shipment is None:
            return admin_pb.CancelShipmentResponse()
        return admin_pb.CancelShipmentResponse(
            tracking_id=shipment.tracking_id, status=shipment.status
        )


def add_to_server(server) -> None:
    pb_grpc.add_ShippingServiceServicer_to_server(ShippingServicer(), server)
    admin_pb_grpc.add_ShipmentAdminServiceServicer_to_server(ShipmentAdminServicer(), server)
