"""REST shapes of the cart: `{id, items: [{product_id, quantity}]}`, and a line's new quantity."""

from rest_framework import serializers

from shop.dto import Cart
from shop.serializers import CartItemSerializer

from .rules import MAX_LINE_QUANTITY


class CartSerializer(serializers.Serializer):
    id = serializers.CharField(source="user_id", read_only=True)
    items = CartItemSerializer(many=True, read_only=True)


class CartLineSerializer(serializers.Serializer):
    """The body of a per-line update: the line's whole new quantity (not an amount to add)."""

    _message = f"The quantity must be from 0 to {MAX_LINE_QUANTITY}."
    quantity = serializers.IntegerField(
        min_value=0,
        max_value=MAX_LINE_QUANTITY,
        error_messages={"min_value": _message, "max_value": _message},
        help_text="The line's new quantity; 0 removes the line.",
    )


def cart_data(cart: Cart) -> dict:
    return CartSerializer(cart).data
