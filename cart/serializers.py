"""REST shapes of the cart: `{id, items: [{product_id, quantity}]}`."""

from rest_framework import serializers

from shop.dto import Cart
from shop.serializers import CartItemSerializer


class CartSerializer(serializers.Serializer):
    id = serializers.CharField(source="user_id", read_only=True)
    items = CartItemSerializer(many=True, read_only=True)


def cart_data(cart: Cart) -> dict:
    return CartSerializer(cart).data
