"""JSON shapes of the payments API. A charge never shows more of the card than brand and last4."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from shop.dto import CreditCard
from shop.serializers import MoneyField

from .models import Charge


class ChargeSerializer(serializers.ModelSerializer):
    amount = MoneyField(source="money", read_only=True)

    class Meta:
        model = Charge
        fields = ["id", "status", "brand", "last4", "amount", "created"]
        read_only_fields = fields


@extend_schema_serializer(component_name="ChargeCard")
class CreditCardSerializer(serializers.Serializer):
    # Lengths are generous on purpose: the card rules answer with the precise reason.
    number = serializers.CharField(max_length=40)
    cvv = serializers.CharField(max_length=10)
    expiration_month = serializers.IntegerField()
    expiration_year = serializers.IntegerField()

    def to_internal_value(self, data) -> CreditCard:
        return CreditCard(**super().to_internal_value(data))


class ChargeCreateSerializer(serializers.Serializer):
    amount = MoneyField()
    credit_card = CreditCardSerializer()
