"""JSON shapes of the notifications API: an OrderResult as the wire table names its fields."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from shop import dto
from shop.money import Money


@extend_schema_serializer(component_name="ConfirmationMoney")
class MoneySerializer(serializers.Serializer):
    currency = serializers.RegexField(r"^[A-Z]{3}$")
    amount = serializers.DecimalField(max_digits=20, decimal_places=9)

    def to_internal_value(self, data) -> Money:
        values = super().to_internal_value(data)
        return Money(values["amount"], values["currency"])


@extend_schema_serializer(component_name="ConfirmationAddress")
class AddressSerializer(serializers.Serializer):
    street_address = serializers.CharField(max_length=200)
    city = serializers.CharField(max_length=100)
    state = serializers.CharField(max_length=100, allow_blank=True, default="")
    country = serializers.CharField(max_length=100)
    zip_code = serializers.CharField(max_length=20)

    def to_internal_value(self, data) -> dto.Address:
        return dto.Address(**super().to_internal_value(data))


@extend_schema_serializer(component_name="ConfirmationItem")
class CartItemSerializer(serializers.Serializer):
    product_id = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1)


class OrderItemSerializer(serializers.Serializer):
    item = CartItemSerializer()
    cost = MoneySerializer()


class OrderResultSerializer(serializers.Serializer):
    order_id = serializers.CharField(max_length=64)
    shipping_tracking_id = serializers.CharField(max_length=100, allow_blank=True, default="")
    shipping_cost = MoneySerializer()
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
                dto.OrderItem(item=dto.CartItem(**line["item"]), cost=line["cost"])
                for line in values["items"]
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
    sent_at = serializers.DateTimeField()
