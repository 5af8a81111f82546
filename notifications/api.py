"""REST endpoints of the notifications service (thin: validate, call services, serialize)."""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.serializers import EXAMPLE_ADDRESS, EXAMPLE_ITEMS

from . import services
from .serializers import EmailMessageSerializer, OrderConfirmationRequestSerializer


class OrderConfirmationView(APIView):
    """Send the confirmation of an order (once per order id; asking again returns it)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=OrderConfirmationRequestSerializer,
        responses={202: EmailMessageSerializer},
        examples=[
            OpenApiExample(
                "An order",
                value={
                    "email": "ada@example.com",
                    "order": {
                        "order_id": "5f0c2b1e-8d4a-4b7e-9c3f-1a2b3c4d5e6f",
                        "shipping_tracking_id": "TR-4F2K-93XQ",
                        "shipping_cost": {"currency": "USD", "amount": "8.99"},
                        "shipping_address": EXAMPLE_ADDRESS,
                        "items": [
                            {"item": EXAMPLE_ITEMS[0],
                             "cost": {"currency": "USD", "amount": "19.99"}}
                        ],
                    },
                },
                request_only=True,
            ),
            OpenApiExample(
                "Queued",
                value={"id": 7, "recipient": "ada@example.com",
                       "subject": "Your Boutique order 5f0c2b1e", "status": "queued",
                       "attempts": 0, "created_at": "2026-11-25T17:00:00Z", "sent_at": None},
                response_only=True,
            ),
        ],
    )  # fmt: skip
    def post(self, request):
        serializer = OrderConfirmationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.order_confirmation_send(**serializer.validated_data)
        return Response(EmailMessageSerializer(message).data, status=status.HTTP_202_ACCEPTED)


urlpatterns = [
    path(
        "notifications/order-confirmations/",
        OrderConfirmationView.as_view(),
        name="notifications-order-confirmations",
    ),
]
