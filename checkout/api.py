"""REST endpoints of the checkout service (thin: validate, call services, serialize)."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from shop import dto
from shop.errors import InvalidArgument

from . import services
from .models import Order
from .serializers import OrderPlaceSerializer, OrderSerializer, PlacedOrderSerializer


class OrderPlaceThrottle(AnonRateThrottle):
    rate = "30/minute"


class OrderListCreateView(generics.ListAPIView):
    """GET: every order (token). POST: place the cart's order (anyone; `Idempotency-Key`)."""

    serializer_class = OrderSerializer
    queryset = Order.objects.prefetch_related("lines")

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self):
        return [OrderPlaceThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        request=OrderPlaceSerializer,
        responses={201: PlacedOrderSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", location="header", required=False)],
    )
    def post(self, request):
        serializer = OrderPlaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 255:
            raise InvalidArgument("The Idempotency-Key header is longer than 255 characters.")
        card = data["credit_card"]
        result = services.order_place(
            user_id=data["cart_id"],
            user_currency=data["currency"],
            address=data["address"],
            email=data["email"],
            credit_card=dto.CreditCard(
                number=card["number"],
                cvv=card["cvv"],
                expiration_year=card["expiration_year"],
                expiration_month=card["expiration_month"],
            ),
            idempotency_key=key or None,
        )
        order = services.order_get(order_id=result.order_id)
        return Response(PlacedOrderSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderDetailView(APIView):
    """One order: for a token holder, or for its customer with `?token=` (the access link)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses=OrderSerializer,
        parameters=[OpenApiParameter("token", location="query", required=False)],
    )
    def get(self, request, order_id):
        if request.user.is_authenticated:
            order = services.order_get(order_id=str(order_id))
        else:
            token = request.query_params.get("token", "")
            order = services.order_get_for_customer(order_id=str(order_id), token=token)
        return Response(OrderSerializer(order).data)


urlpatterns = [
    path("orders/", OrderListCreateView.as_view(), name="orders"),
    path("orders/<uuid:order_id>/", OrderDetailView.as_view(), name="order-detail"),
]
