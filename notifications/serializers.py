"""JSON shapes of the notifications API: an OrderResult as the wire table names its fields."""

from rest_framework import serializers

from shop import dto
from shop.serializers import AddressSerializer, CartItemSerializer, MoneyField


class OrderItemSerializer(serializers.Serializer):
    item = CartItemSerializer()
    cost = MoneyField()


class OrderResultSerializer(serializers.Serializer):
    order_id = serializers.CharField(max_length=64)
    shipping_tracking_id = serializers.CharField(max_length=100, allow_blank=True, default="")
    shipping_cost = MoneyField()
    shipping_address = AddressSerializer()
    items = OrderItemSerializer(many=True, allow_empty=False)

    def to_internal_value(self, data) -> dto.OrderResult:
        values = super().to_internal_value(data)
        currencies = {values["shipping_cost"].currency}
        currencies |= {line["cost"].currency for line in values["items"]}
        if len(currencies) > 1:
            raise serializers.ValidationError(
                {"items": ["All amounts must be in the shipping cost's currency."]}
            )
        return dto.OrderResult(
            order_id=values["order_id"],
            shipping_tracking_id=values["shipping_tracking_id"],
            shipping_cost=values["shipping_cost"],
            shipping_address=values["shipping_address"],
            items=tuple(
                dto.OrderItem(item=line["item"], cost=line["cost"]) for line in values["items"]
            ),
        )


class OrderConfirmationRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    order = OrderResultSerializer()
    order_url = serializers.URLField(required=False, allow_null=True, default=None)


class EmailMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    recipient = serializers.EmailField()
    subject = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
