from decimal import Decimal

import pytest
from rest_framework.exceptions import ValidationError

from shop.money import Money
from shop.serializers import MoneyField


@pytest.mark.parametrize(
    "amount,written",
    [("19.99", "19.99"), ("1E+2", "100.00"), ("-0.000000001", "-0.000000001"), ("5", "5.00")],
)
def test_money_is_written_as_a_plain_decimal_string(amount, written):
    assert MoneyField().to_representation(Money(Decimal(amount), "EUR")) == {
        "currency": "EUR",
        "amount": written,
    }


def test_money_reads_back_exactly():
    money = MoneyField().to_internal_value({"currency": "USD", "amount": "0.1"})
    assert money == Money(Decimal("0.1"), "USD")


@pytest.mark.parametrize(
    "data", [None, "19.99", {"currency": "USD", "amount": True}, {"currency": "USD"}]
)
def test_money_of_the_wrong_shape_is_refused(data):
    with pytest.raises(ValidationError):
        MoneyField().to_internal_value(data)
