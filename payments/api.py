"""REST endpoints of the payments service (thin: validate, call services, serialize)."""

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from shop.errors import InvalidArgument

from . import selectors, services
from .serializers import ChargeCreateSerializer, ChargeSerializer

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=True,
    description="Unique per payment. Replaying it returns the first charge (200) and never "
    "charges again; reusing it for another amount or card is a 409.",
)


class IdempotencyKeyRequired(InvalidArgument):
    code = "idempotency_key_required"
    default_message = (
        "Send an Idempotency-Key header (e.g. a UUID) with every charge, so a retry can never "
        "charge the card twice."
    )


class ChargeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ChargeSerializer

    def get_queryset(self):
        return selectors.charge_list()

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=ChargeCreateSerializer,
        responses={201: ChargeSerializer, 200: ChargeSerializer},
    )
    def create(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            raise IdempotencyKeyRequired()
        payload = ChargeCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        outcome = services.charge_create(
            amount=payload.validated_data["amount"],
            card=payload.validated_data["credit_card"],
            idempotency_key=key,
        )
        return Response(
            ChargeSerializer(outcome.charge).data, status=201 if outcome.created else 200
        )

    @extend_schema(request=None, responses=ChargeSerializer)
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        return Response(ChargeSerializer(services.charge_refund(charge_id=pk)).data)


router = SimpleRouter()
router.register("payments/charges", ChargeViewSet, basename="charge")

urlpatterns = [path("", include(router.urls))]
