"""DRF pieces shared by every app's API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop.errors import ShopError
from shop.money import Money


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "currency": {"type": "string", "example": "USD"},
            "amount": {"type": "string", "format": "decimal", "example": "8.99"},
        },
        "required": ["currency", "amount"],
    }
)
class MoneyField(serializers.Field):
    """Money in JSON: {"currency": "USD", "amount": "8.99"}, the amount a decimal string.

    An amount is shown with the currency's minor-unit digits ("8.90", "2235" for JPY), or in
    full when it is finer than that (a converted amount keeps its nano precision).
    """

    default_error_messages = {
        # Braces doubled: DRF formats these messages.
        "shape": 'Expected {{"currency": "USD", "amount": "8.99"}}.',
        "float": 'Send the amount as a decimal string, e.g. "8.99", never as a JSON number.',
    }

    def to_representation(self, value: Money) -> dict[str, str]:
        rounded = value.rounded().amount
        amount = rounded if rounded == value.amount else value.amount.normalize()
        return {"currency": value.currency, "amount": f"{amount:f}"}

    def to_internal_value(self, data) -> Money:
        if not isinstance(data, dict) or set(data) != {"currency", "amount"}:
            self.fail("shape")
        amount = data["amount"]
        if isinstance(amount, float):
            self.fail("float")
        if not isinstance(amount, str | int) or isinstance(amount, bool):
            self.fail("shape")
        if isinstance(amount, str):
            amount = amount.strip()
        try:
            return Money(amount, str(data["currency"]).strip().upper())
        except ShopError as error:
            raise serializers.ValidationError(error.message) from error
