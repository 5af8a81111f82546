"""REST endpoints of the checkout service (thin: validate, call services, serialize)."""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api import IDEMPOTENCY_KEY, idempotency_key
from shop.links import SiteCursorPagination
from shop.serializers import EXAMPLE_ADDRESS, EXAMPLE_CARD

from . import selectors, services
from .models import Order
from .serializers import OrderPlaceSerializer, OrderSerializer, PlacedOrderSerializer

EXAMPLE_ORDER = {
    "id": "5f0c2b1e-8d4a-4b7e-9c3f-1a2b3c4d5e6f",
    "status": "paid",
    "email": "ada@example.com",
    "currency": "EUR",
    "items": [
        {
            "product_id": "OLJCESPC7Z",
            "name": "Sunglasses",
            "quantity": 2,
            "unit_price": {"currency": "EUR", "amount": "17.68"},
            "cost": {"currency": "EUR", "amount": "35.36"},
        }
    ],
    "shipping_address": EXAMPLE_ADDRESS,
    "shipping_cost": {"currency": "EUR", "amount": "7.95"},
    "total": {"currency": "EUR", "amount": "43.31"},
    "tracking_id": "TR-4F2K-93XQ",
    "failure_reason": "",
    "created": "2026-11-25T17:00:00Z",
}
ACCESS_URL = f"https://shop.example/orders/{EXAMPLE_ORDER['id']}/?token=q8Xv2mB7"


class OrderPagination(SiteCursorPagination):
    """Newest first, page after page by `next`: a page costs one indexed read at any depth,
    where numbered pages counted every order and skipped the earlier ones (OFFSET), and orders
    placed while staff page through neither repeat nor shift rows. No `count`: counting a
    million orders took longer than the page. Ties on the time are broken by the id."""

    ordering = ("-created_at", "-id")


class OrderListCreateView(generics.ListAPIView):
    """GET: every order (staff). POST: place the cart's order (anyone; `Idempotency-Key`)."""

    serializer_class = OrderSerializer
    queryset = Order.objects.prefetch_related("lines")
    pagination_class = OrderPagination
    throttle_scope = "orders"  # anonymous placements: the `anon_orders` budget

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAdminUser()]

    @extend_schema(
        examples=[
            OpenApiExample(
                "A page",
                value=EXAMPLE_ORDER,  # one of the page's results: the schema shows the page
                response_only=True,
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=OrderPlaceSerializer,
        responses={201: PlacedOrderSerializer},
        parameters=[IDEMPOTENCY_KEY],
        examples=[
            OpenApiExample(
                "Place an order",
                value={"cart_id": "c_4mCq7rXk1bYzV0pT3wN9sH", "currency": "EUR",
                       "email": "ada@example.com", "address": EXAMPLE_ADDRESS,
                       "credit_card": EXAMPLE_CARD},
                request_only=True,
            ),
            OpenApiExample(
                "Paid", value=EXAMPLE_ORDER | {"access_url": ACCESS_URL}, response_only=True
            ),
        ],
    )  # fmt: skip
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
        order = selectors.order_get(order_id=result.order_id)
        placed = PlacedOrderSerializer(order, context={"request": request})
        return Response(placed.data, status=status.HTTP_201_CREATED)


class OrderDetailView(APIView):
    """One order: for staff, or for whoever holds its access link (`?token=`); anyone else,
    token holders included, gets a 404 that does not tell whether the order exists."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses=OrderSerializer,
        parameters=[
            OpenApiParameter(
                "token",
                location="query",
                required=False,
                description="The order's access token, from `access_url` (not needed by staff).",
            )
        ],
        examples=[OpenApiExample("An order", value=EXAMPLE_ORDER, response_only=True)],
    )
    def get(self, request, order_id):
        if request.user.is_staff:
            order = selectors.order_get(order_id=str(order_id))
        else:
            token = request.query_params.get("token", "")
            order = selectors.order_get_for_customer(order_id=str(order_id), token=token)
        return Response(OrderSerializer(order).data)


urlpatterns = [
    path("orders/", OrderListCreateView.as_view(), name="orders"),
    path("orders/<uuid:order_id>/", OrderDetailView.as_view(), name="order-detail"),
]
