"""REST endpoints of the checkout service (thin: validate, call services, serialize)."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api import IDEMPOTENCY_KEY, idempotency_key

from . import services
from .models import Order
from .serializers import OrderPlaceSerializer, OrderSerializer, PlacedOrderSerializer


class OrderListCreateView(generics.ListAPIView):
    """GET: every order (staff). POST: place the cart's order (anyone; `Idempotency-Key`)."""

    serializer_class = OrderSerializer
    queryset = Order.objects.prefetch_related("lines")
    throttle_scope = "orders"  # anonymous placements: the `anon_orders` budget

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAdminUser()]

    @extend_schema(
        request=OrderPlaceSerializer,
        responses={201: PlacedOrderSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request):
        key = idempotency_key(request)
        serializer = OrderPlaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.order_place(
            user_id=data["cart_id"],
            user_currency=data["currency"],
            address=data["address"],
            email=data["email"],
            credit_card=data["credit_card"],
            idempotency_key=key,
        )
        order = services.order_get(order_id=result.order_id)
        return Response(PlacedOrderSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderDetailView(APIView):
    """One order: for staff, or for whoever holds its access link (`?token=`); anyone else,
    token holders included, gets a 404 that does not tell whether the order exists."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses=OrderSerializer,
        parameters=[OpenApiParameter("token", location="query", required=False)],
    )
    def get(self, request, order_id):
        if request.user.is_staff:
            order = services.order_get(order_id=str(order_id))
        else:
            token = request.query_params.get("token", "")
            order = services.order_get_for_customer(order_id=str(order_id), token=token)
        return Response(OrderSerializer(order).data)


urlpatterns = [
    path("orders/", OrderListCreateView.as_view(), name="orders"),
    path("orders/<uuid:order_id>/", OrderDetailView.as_view(), name="order-detail"),
]
