from decimal import Decimal

import pytest

from currency.models import ExchangeRate
from currency.services import (
    INITIAL_RATES_PER_EUR,
    UnsupportedCurrency,
    currency_codes,
    currency_convert,
    rates_load_initial,
)
from shop.money import Money

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def rates():
    rates_load_initial()


def test_initial_table_is_loaded_once_and_never_overwrites_staff_edits():
    assert currency_codes() == sorted(INITIAL_RATES_PER_EUR)
    ExchangeRate.objects.filter(code="USD").update(rate_per_eur=Decimal("1.2"))
    assert rates_load_initial() == 0
    assert ExchangeRate.objects.get(code="USD").rate_per_eur == Decimal("1.2")


def test_conversion_goes_through_eur_exactly():
    result = currency_convert(money=Money(Decimal("100.50"), "USD"), to_currency="EUR")
    assert result.currency == "EUR"
    assert result.amount.quantize(Decimal("1e-9")) == Decimal("88.898717382")
    usd_to_jpy = currency_convert(money=Money(Decimal("19.99"), "USD"), to_currency="JPY")
    assert usd_to_jpy.amount.quantize(Decimal("1e-9")) == Decimal("2235.060592658")


def test_the_shown_price_of_19_99_usd_in_eur():
    shown = currency_convert(money=Money(Decimal("19.99"), "USD"), to_currency="EUR").rounded()
    assert shown == Money(Decimal("17.68"), "EUR")


@pytest.mark.parametrize("source,target", [("XXX", "EUR"), ("USD", "ABC")])
def test_unknown_code_is_an_error_not_a_number(source, target):
    with pytest.raises(UnsupportedCurrency) as excinfo:
        currency_convert(money=Money(Decimal("1"), source), to_currency=target)
    assert excinfo.value.kind == "invalid"


def test_a_rate_edit_takes_effect_at_once():
    before = currency_convert(money=Money(Decimal("10"), "EUR"), to_currency="USD")
    rate = ExchangeRate.objects.get(code="USD")
    rate.rate_per_eur = Decimal("2")
    rate.save()
    after = currency_convert(money=Money(Decimal("10"), "EUR"), to_currency="USD")
    assert before.amount == Decimal("11.305") and after.amount == Decimal("20")
