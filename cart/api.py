"""REST endpoints of the cart service (thin: validate, call services, serialize).

`carts/` hands out an unguessable id; holding it is the permission to use that cart.
`carts/{id}/items/` adds to a line; `carts/{id}/items/{product_id}/` sets or removes one.
"""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.serializers import CartItemSerializer

from . import services
from .serializers import CartLineSerializer, CartSerializer, cart_data

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


PRODUCT_ID = OpenApiParameter(
    "product_id", location=OpenApiParameter.PATH, description="The line's product id."
)


class CartLineView(APIView):
    """One line of a cart, named by its product id: set its quantity, or remove it."""

    # A line's whole state is its quantity, so PUT sets it; a PATCH would be the same operation.

    @extend_schema(
        request=CartLineSerializer,
        responses={200: CartSerializer},
        parameters=[PRODUCT_ID],
        summary="Set a line's quantity (0 removes the line)",
        examples=[
            OpenApiExample("Three pairs", value={"quantity": 3}, request_only=True),
            OpenApiExample("Remove the line", value={"quantity": 0}, request_only=True),
            OpenApiExample(
                "The cart",
                value={"id": CART_ID, "items": [{"product_id": "OLJCESPC7Z", "quantity": 3}]},
                response_only=True,
            ),
        ],
    )
    def put(self, request, cart_id: str, product_id: str):
        services.cart_get_registered(cart_id=cart_id)
        line = CartLineSerializer(data=request.data)
        line.is_valid(raise_exception=True)
        quantity = line.validated_data["quantity"]
        services.cart_set_quantity(user_id=cart_id, product_id=product_id, quantity=quantity)
        return Response(cart_data(services.cart_get(user_id=cart_id)))

    @extend_schema(
        responses={204: None},
        parameters=[PRODUCT_ID],
        summary="Remove a line (a product not in the cart changes nothing)",
    )
    def delete(self, request, cart_id: str, product_id: str):
        services.cart_get_registered(cart_id=cart_id)
        services.cart_remove_item(user_id=cart_id, product_id=product_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("carts/", CartListView.as_view(), name="cart-list"),
    path("carts/<str:cart_id>/", CartDetailView.as_view(), name="cart-detail"),
    path("carts/<str:cart_id>/items/", CartItemsView.as_view(), name="cart-items"),
    path("carts/<str:cart_id>/items/<str:product_id>/", CartLineView.as_view(), name="cart-line"),
]
