"""JSON shapes of the shipping API. Field rules (required, lengths) live in services.py, which
answers with a message per field; these only check types."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from shop.dto import Address, CartItem
from shop.serializers import MoneyField

from .models import Shipment


class AddressSerializer(serializers.Serializer):
    street_address = serializers.CharField(allow_blank=True, default="")
    city = serializers.CharField(allow_blank=True, default="")
    state = serializers.CharField(allow_blank=True, default="")
    country = serializers.CharField(allow_blank=True, default="")
    zip_code = serializers.CharField(allow_blank=True, default="")

    def to_internal_value(self, data) -> Address:
        return Address(**super().to_internal_value(data))


@extend_schema_serializer(component_name="ShippingItem")
class CartItemSerializer(serializers.Serializer):
    product_id = serializers.CharField()
    quantity = serializers.IntegerField()

    def to_internal_value(self, data) -> CartItem:
        return CartItem(**super().to_internal_value(data))


class QuoteRequestSerializer(serializers.Serializer):
    address = AddressSerializer(required=False, allow_null=True, default=None)
    items = CartItemSerializer(many=True)


class QuoteSerializer(serializers.Serializer):
    cost = MoneyField()


class ShipmentCreateSerializer(serializers.Serializer):
    address = AddressSerializer()
    items = CartItemSerializer(many=True)
    reference = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class ShipmentAddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shipment
        fields = ["street_address", "city", "state", "country", "zip_code"]


class ShipmentSerializer(serializers.ModelSerializer):
    address = ShipmentAddressSerializer(source="*", read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "tracking_id",
            "status",
            "reference",
            "address",
            "items",
            "created",
            "updated",
            "shipped_at",
            "delivered_at",
        ]
        read_only_fields = fields
