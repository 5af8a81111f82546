"""JSON shapes of the payments API. A charge never shows more of the card than brand and last4."""

from rest_framework import serializers

from shop.serializers import CreditCardSerializer, MoneyField

from .models import Charge


class ChargeSerializer(serializers.ModelSerializer):
    amount = MoneyField(source="money", read_only=True)

    class Meta:
        model = Charge
        fields = ["id", "status", "brand", "last4", "amount", "created"]
        read_only_fields = fields


class ChargeCreateSerializer(serializers.Serializer):
    amount = MoneyField()
    credit_card = CreditCardSerializer()
