"""REST endpoints of the shipping service (thin: validate, call services, serialize)."""

from django.urls import include, path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from shop.serializers import EXAMPLE_ADDRESS, EXAMPLE_ITEMS

from . import selectors, services
from .serializers import (
    QuoteRequestSerializer,
    QuoteSerializer,
    ShipmentCreateSerializer,
    ShipmentSerializer,
)

EXAMPLE_SHIPMENT = {
    "tracking_id": "TR-4F2K-93XQ",
    "status": "created",
    "reference": "order-1042",
    "address": EXAMPLE_ADDRESS,
    "items": EXAMPLE_ITEMS,
    "created": "2026-11-25T17:00:00Z",
    "updated": "2026-11-25T17:00:00Z",
    "shipped_at": None,
    "delivered_at": None,
    "cancelled_at": None,
}


class QuoteView(APIView):
    """The shipping cost of some items (USD); the address is optional."""

    permission_classes = [AllowAny]
    throttle_scope = "quotes"  # public and cheap: the generous `anon_quotes` budget

    @extend_schema(
        request=QuoteRequestSerializer,
        responses=QuoteSerializer,
        examples=[
            OpenApiExample(
                "Two items",
                value={"address": EXAMPLE_ADDRESS, "items": EXAMPLE_ITEMS},
                request_only=True,
            ),
            OpenApiExample(
                "Cost", value={"cost": {"currency": "USD", "amount": "8.99"}}, response_only=True
            ),
        ],
    )
    def post(self, request):
        payload = QuoteRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cost = services.shipping_quote(
            address=payload.validated_data["address"], items=tuple(payload.validated_data["items"])
        )
        return Response(QuoteSerializer({"cost": cost}).data)


class ShipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Shipping needs a token; reading the shipments (every customer's address) needs staff."""

    serializer_class = ShipmentSerializer
    lookup_field = "tracking_id"

    def get_permissions(self):
        return [IsAuthenticated()] if self.action == "create" else [IsAdminUser()]

    def get_queryset(self):
        return selectors.shipment_list()

    @extend_schema(
        examples=[
            OpenApiExample(
                "A page",
                value={"count": 1, "next": None, "previous": None, "results": [EXAMPLE_SHIPMENT]},
                response_only=True,
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        examples=[OpenApiExample("A shipment", value=EXAMPLE_SHIPMENT, response_only=True)]
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=ShipmentCreateSerializer,
        # 409: the reference was used before for another address or items.
        responses={201: ShipmentSerializer, 200: ShipmentSerializer, 409: None},
        examples=[
            OpenApiExample(
                "Ship an order",
                value={
                    "address": EXAMPLE_ADDRESS,
                    "items": EXAMPLE_ITEMS,
                    "reference": "order-1042",
                },
                request_only=True,
            ),
            OpenApiExample("Created", value=EXAMPLE_SHIPMENT, response_only=True),
        ],
    )
    def create(self, request):
        """Ships; a reference seen before returns its shipment (200) instead of a new one."""
        payload = ShipmentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        outcome = services.shipment_ship(
            address=payload.validated_data["address"],
            items=tuple(payload.validated_data["items"]),
            reference=payload.validated_data.get("reference"),
        )
        return Response(
            ShipmentSerializer(outcome.shipment).data, status=201 if outcome.created else 200
        )

    @extend_schema(
        request=None,
        # 422: the shipment has already shipped or been delivered.
        responses={200: ShipmentSerializer, 404: None, 422: None},
        examples=[
            OpenApiExample(
                "Cancelled",
                value={
                    **EXAMPLE_SHIPMENT,
                    "status": "cancelled",
                    "cancelled_at": "2026-11-25T17:05:00Z",
                },
                response_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, tracking_id=None):
        """Staff stop a shipment that has not left; cancelling a cancelled one again changes
        nothing."""
        shipment = services.shipment_cancel(tracking_id=tracking_id)
        return Response(ShipmentSerializer(shipment).data)


router = SimpleRouter()
router.register("shipping/shipments", ShipmentViewSet, basename="shipment")

urlpatterns = [
    path("shipping/quotes/", QuoteView.as_view(), name="shipping-quote"),
    path("", include(router.urls)),
]
