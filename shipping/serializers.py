"""JSON shapes of the shipping API. The shared AddressSerializer applies the shop's one address
rule (shop/addresses.py), the same the service checks again."""

from rest_framework import serializers

from shop.serializers import AddressSerializer, CartItemSerializer, MoneyField

from .models import Shipment


class QuoteRequestSerializer(serializers.Serializer):
    address = AddressSerializer(required=False, allow_null=True, default=None)
    items = CartItemSerializer(many=True)


class QuoteSerializer(serializers.Serializer):
    cost = MoneyField()


class ShipmentCreateSerializer(serializers.Serializer):
    address = AddressSerializer()
    items = CartItemSerializer(many=True)
    reference = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class ShipmentSerializer(serializers.ModelSerializer):
    address = AddressSerializer(source="*", read_only=True)

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
            "cancelled_at",
        ]
        read_only_fields = fields
