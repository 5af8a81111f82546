"""REST endpoints of the payments service (thin: validate, call services, serialize)."""

from django.urls import include, path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from shop.api import IDEMPOTENCY_KEY, idempotency_key
from shop.serializers import EXAMPLE_CARD

from . import selectors, services
from .serializers import ChargeCreateSerializer, ChargeSerializer

EXAMPLE_CHARGE = {
    "id": "0b6c1a8e-5f2d-4c43-9d0e-2f6a7c1b9e55",
    "status": "captured",
    "brand": "visa",
    "last4": "0454",
    "amount": {"currency": "USD", "amount": "19.99"},
    "created": "2026-11-25T17:00:00Z",
}


class ChargeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Charging needs a token; reading the charges (every customer's) and refunds need staff."""

    serializer_class = ChargeSerializer

    def get_permissions(self):
        return [IsAuthenticated()] if self.action == "create" else [IsAdminUser()]

    def get_queryset(self):
        return selectors.charge_list()

    @extend_schema(
        examples=[
            OpenApiExample(
                "A page",
                value={"count": 1, "next": None, "previous": None, "results": [EXAMPLE_CHARGE]},
                response_only=True,
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(examples=[OpenApiExample("A charge", value=EXAMPLE_CHARGE, response_only=True)])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=ChargeCreateSerializer,
        responses={201: ChargeSerializer},
        examples=[
            OpenApiExample(
                "A charge",
                value={
                    "amount": {"currency": "USD", "amount": "19.99"},
                    "credit_card": EXAMPLE_CARD,
                },
                request_only=True,
            ),
            OpenApiExample("Captured", value=EXAMPLE_CHARGE, response_only=True),
        ],
    )
    def create(self, request):
        key = idempotency_key(request)
        payload = ChargeCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        outcome = services.charge_create(
            amount=payload.validated_data["amount"],
            card=payload.validated_data["credit_card"],
            idempotency_key=key,
        )
        # A replay answers as the first request did (201), like orders/: one rule for the key.
        return Response(ChargeSerializer(outcome.charge).data, status=201)

    @extend_schema(
        request=None,
        responses=ChargeSerializer,
        examples=[
            OpenApiExample(
                "Refunded", value=EXAMPLE_CHARGE | {"status": "refunded"}, response_only=True
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        return Response(ChargeSerializer(services.charge_refund(charge_id=pk)).data)


router = SimpleRouter()
router.register("payments/charges", ChargeViewSet, basename="charge")

urlpatterns = [path("", include(router.urls))]
