"""REST endpoints of the cart service (thin: validate, call services, serialize).

`carts/` hands out an unguessable id; holding it is the permission to use that cart.
"""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.serializers import CartItemSerializer

from . import services
from .serializers import CartSerializer, cart_data

CART_ID = "c_4mCq7rXk1bYzV0pT3wN9sH"
EMPTY_CART = OpenApiExample("A new cart", value={"id": CART_ID, "items": []}, response_only=True)
FULL_CART = OpenApiExample(
    "A cart",
    value={"id": CART_ID, "items": [{"product_id": "OLJCESPC7Z", "quantity": 2}]},
    response_only=True,
)


class CartListView(APIView):
    @extend_schema(
        request=None,
        responses={201: CartSerializer},
        summary="Create a cart",
        examples=[EMPTY_CART],
    )
    def post(self, request):
        return Response(cart_data(services.cart_create()), status=status.HTTP_201_CREATED)


class CartDetailView(APIView):
    @extend_schema(responses={200: CartSerializer}, summary="Read a cart", examples=[FULL_CART])
    def get(self, request, cart_id: str):
        return Response(cart_data(services.cart_get_registered(cart_id=cart_id)))

    @extend_schema(responses={204: None}, summary="Empty a cart")
    def delete(self, request, cart_id: str):
        services.cart_get_registered(cart_id=cart_id)
        services.cart_empty(user_id=cart_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartItemsView(APIView):
    @extend_schema(
        request=CartItemSerializer,
        responses={200: CartSerializer},
        summary="Add to a cart (adds to the quantity already there)",
        examples=[
            OpenApiExample(
                "Two pairs", value={"product_id": "OLJCESPC7Z", "quantity": 2}, request_only=True
            ),
            FULL_CART,
        ],
    )
    def post(self, request, cart_id: str):
        services.cart_get_registered(cart_id=cart_id)
        item = CartItemSerializer(data=request.data)
        item.is_valid(raise_exception=True)
        line = item.validated_data
        services.cart_add_item(user_id=cart_id, product_id=line.product_id, quantity=line.quantity)
        return Response(cart_data(services.cart_get(user_id=cart_id)))


urlpatterns = [
    path("carts/", CartListView.as_view(), name="cart-list"),
    path("carts/<str:cart_id>/", CartDetailView.as_view(), name="cart-detail"),
    path("carts/<str:cart_id>/items/", CartItemsView.as_view(), name="cart-items"),
]
