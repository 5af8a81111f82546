"""REST endpoints of the notifications service (thin: validate, call services, serialize)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .serializers import EmailMessageSerializer, OrderConfirmationRequestSerializer


class OrderConfirmationView(APIView):
    """Send the confirmation of an order (once per order id; asking again returns it)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=OrderConfirmationRequestSerializer, responses=EmailMessageSerializer)
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
