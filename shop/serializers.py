"""Serializer pieces every app's REST API shares, so money and errors look the same everywhere."""

from __future__ import annotations

import re
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop.money import Money

_CURRENCY = re.compile(r"[A-Z]{3}")
# At most the wire's precision: int64 units (18 digits are always safe) and nanos (9 digits).
_AMOUNT = re.compile(r"-?\d{1,18}(\.\d{1,9})?")


class MoneySchema(serializers.Serializer):
    """The JSON shape of money; documents MoneyField in the OpenAPI schema."""

    currency = serializers.CharField(help_text="ISO 4217 code, e.g. EUR.")
    amount = serializers.CharField(help_text='A decimal string, never a JSON number, e.g. "19.99".')

    class Meta:
        ref_name = "Money"


@extend_schema_field(MoneySchema)
class MoneyField(serializers.Field):
    """Money as {"currency": "USD", "amount": "19.99"}: the amount a decimal string written in
    full (no exponent), read back into shop.money.Money without ever passing through a float."""

    default_error_messages = {
        "not_object": 'Money must be an object such as {{"currency": "USD", "amount": "19.99"}}.',
        "currency": 'currency must be a three-letter ISO 4217 code in capitals, such as "USD".',
        "float": 'Send the amount as a decimal string, such as "19.99", not as a JSON number: '
        "a binary float cannot hold most prices exactly.",
        "amount": 'amount must be a decimal string such as "19.99", with at most 18 digits '
        "before the point and 9 after.",
    }

    def to_representation(self, value: Money) -> dict[str, str]:
        # The currency's minor-unit digits ("8.90", "2235" for JPY), or in full when finer
        # than that (a converted amount keeps its nano precision).
        rounded = value.rounded().amount
        amount = rounded if rounded == value.amount else value.amount.normalize()
        return {"currency": value.currency, "amount": f"{amount:f}"}

    def to_internal_value(self, data: object) -> Money:
        if not isinstance(data, dict):
            self.fail("not_object")
        currency, amount = data.get("currency"), data.get("amount")
        errors: dict[str, list[str]] = {}
        if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
            errors["currency"] = [self.error_messages["currency"]]
        if isinstance(amount, int) and not isinstance(amount, bool):
            amount = str(amount)
        if isinstance(amount, float):
            errors["amount"] = [self.error_messages["float"]]
        elif not isinstance(amount, str) or not _AMOUNT.fullmatch(amount):
            errors["amount"] = [self.error_messages["amount"]]
        if errors:
            raise serializers.ValidationError(errors)
        return Money(Decimal(amount), currency)


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem (application/problem+json), as shop.api writes every error."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="A stable code, e.g. product_not_found.")
    errors = serializers.DictField(
        required=False, help_text="Per-field problems: field name -> list of messages."
    )

    class Meta:
        ref_name = "Problem"
