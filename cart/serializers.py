"""REST shapes of the cart: `{id, items: [{product_id, quantity}]}`."""

from rest_framework import serializers

from shop.dto import Cart


class CartItemSerializer(serializers.Serializer):
    product_id = serializers.CharField(max_length=128)
    # The 1-10 rule is the service's (one message everywhere); here only "a whole number".
    quantity = serializers.IntegerField()


class CartSerializer(serializers.Serializer):
    id = serializers.CharField(source="user_id", read_only=True)
    items = CartItemSerializer(many=True, read_only=True)


def cart_data(cart: Cart) -> dict:
    return CartSerializer(cart).data
