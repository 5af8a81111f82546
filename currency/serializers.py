"""JSON shapes of the currency service's REST API."""

from rest_framework import serializers

from shop.serializers import MoneyField

from . import services


class CurrencyListSerializer(serializers.Serializer):
    currency_codes = serializers.ListField(child=serializers.CharField())


class ConversionSerializer(serializers.Serializer):
    """Converts the money `from` into the currency `to`."""

    # Both codes are checked against the rate table here, so that an unknown one is reported on
    # its own field; the service still refuses it should the table change in between.

    to = serializers.CharField(max_length=3, help_text="ISO 4217 code to convert into.")

    def get_fields(self):
        # "from" is a Python keyword, so it cannot be declared as a class attribute.
        return {"from": MoneyField(help_text="The amount to convert."), **super().get_fields()}

    def validate(self, data: dict) -> dict:
        supported = set(services.currency_codes())
        errors = {}
        if data["from"].currency not in supported:
            errors["from"] = {"currency": [_unsupported(data["from"].currency)]}
        if data["to"] not in supported:
            errors["to"] = [_unsupported(data["to"])]
        if errors:
            raise serializers.ValidationError(errors)
        return data


def _unsupported(code: str) -> str:
    return f"{code!r} is not a supported currency code; GET currencies/ lists them."
