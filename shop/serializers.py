"""Serializer pieces every app's REST API shares, so money and errors look the same everywhere."""

from __future__ import annotations

import re
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from shop import dto
from shop.addresses import ADDRESS_FIELDS, AddressField, address_errors
from shop.money import Money

_CURRENCY = re.compile(r"[A-Z]{3}")
# At most the wire's precision: int64 units (18 digits are always safe) and nanos (9 digits).
_AMOUNT = re.compile(r"-?[0-9]{1,18}(\.[0-9]{1,9})?")  # not \d: Decimal() reads "٤" too


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


class CommaSeparatedField(serializers.CharField):
    """`?keys=a,b` -> ["a", "b"] (empty parts dropped): a list in one query parameter."""

    def to_internal_value(self, data) -> list[str]:
        text = super().to_internal_value(data)
        return [part.strip() for part in text.split(",") if part.strip()]


# The shapes several services share. One definition each, so an address, a cart line or a card is
# checked by the same rules wherever it is sent, and the schema names each once.


def _address_field(rule: AddressField) -> serializers.CharField:
    return serializers.CharField(
        max_length=rule.max_length,
        required=rule.required,
        allow_blank=not rule.required,
        default="" if not rule.required else serializers.empty,
        error_messages={
            "required": rule.missing,
            "blank": rule.missing,
            "null": rule.missing,
            "max_length": rule.too_long,
        },
    )


@extend_schema_serializer(component_name="Address")
class AddressSerializer(serializers.Serializer):
    """A postal address; read into shop.dto.Address (zip_code is text: "SW1A 1AA")."""

    def get_fields(self):
        return {name: _address_field(rule) for name, rule in ADDRESS_FIELDS.items()}

    def to_internal_value(self, data) -> dto.Address:
        return dto.Address(**super().to_internal_value(data))

    def validate(self, attrs: dto.Address) -> dto.Address:
        # The fields checked presence and lengths; the rest of the shop's rule (the postal
        # code's characters) answers here, per field like them.
        errors = address_errors(address=attrs)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_representation(self, instance) -> dict[str, str]:
        return {name: getattr(instance, name) for name in ADDRESS_FIELDS}


@extend_schema_serializer(component_name="CartItem")
class CartItemSerializer(serializers.Serializer):
    """One line of a cart: a product id and how many; read into shop.dto.CartItem."""

    product_id = serializers.CharField(max_length=40, help_text="A catalog product id.")
    # The upper bound (10 per product in a cart) is the cart service's rule, with its message.
    quantity = serializers.IntegerField(
        min_value=1, error_messages={"min_value": "The quantity must be at least 1."}
    )

    def to_internal_value(self, data) -> dto.CartItem:
        return dto.CartItem(**super().to_internal_value(data))


@extend_schema_serializer(component_name="CreditCard")
class CreditCardSerializer(serializers.Serializer):
    """A card to charge; read into shop.dto.CreditCard. Never written back in a response.
    The lengths only bound the input: the card rules answer with the precise reason."""

    number = serializers.CharField(
        max_length=30, help_text="12 to 19 digits; spaces and hyphens are ignored."
    )
    cvv = serializers.CharField(max_length=4)
    expiration_month = serializers.IntegerField()
    expiration_year = serializers.IntegerField()

    def to_internal_value(self, data) -> dto.CreditCard:
        return dto.CreditCard(**super().to_internal_value(data))


# Values the schema's examples share, so every operation shows the same customer.
EXAMPLE_ADDRESS = {
    "street_address": "1600 Amphitheatre Parkway",
    "city": "Mountain View",
    "state": "CA",
    "country": "United States",
    "zip_code": "94043",
}
EXAMPLE_ITEMS = [{"product_id": "OLJCESPC7Z", "quantity": 2}]
EXAMPLE_CARD = {
    "number": "4432-8015-6152-0454",
    "cvv": "672",
    "expiration_month": 1,
    "expiration_year": 2039,
}
