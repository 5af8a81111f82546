from decimal import Decimal

import pytest
from rest_framework import serializers

from shop.money import Money
from shop.serializers import MoneyField


class PriceSerializer(serializers.Serializer):
    price = MoneyField()


@pytest.mark.parametrize(
    "money,shown",
    [
        (Money(Decimal("8.99"), "USD"), "8.99"),
        (Money(Decimal("8.9"), "USD"), "8.90"),
        (Money(Decimal("8.990000000"), "USD"), "8.99"),
        (Money(Decimal("2235"), "JPY"), "2235"),
        (Money(Decimal("17.679000001"), "EUR"), "17.679000001"),
    ],
)
def test_money_is_shown_as_currency_and_decimal_string(money, shown):
    assert MoneyField().to_representation(money) == {"currency": money.currency, "amount": shown}


def test_money_is_read_from_a_decimal_string():
    payload = PriceSerializer(data={"price": {"currency": "EUR", "amount": "17.68"}})
    assert payload.is_valid(), payload.errors
    assert payload.validated_data["price"] == Money(Decimal("17.68"), "EUR")


@pytest.mark.parametrize(
    "value,reason",
    [
        ({"currency": "USD", "amount": 8.99}, "decimal string"),
        ({"currency": "USD", "amount": "abc"}, "decimal string such as"),
        ({"currency": "DOLLARS", "amount": "1"}, "ISO 4217"),
        ({"currency": "eur", "amount": "1"}, "ISO 4217"),
        ({"amount": "1"}, "ISO 4217"),
        ("8.99", "must be an object"),
    ],
)
def test_bad_money_is_refused_with_a_reason(value, reason):
    payload = PriceSerializer(data={"price": value})
    assert not payload.is_valid()
    assert reason in str(payload.errors["price"])
