"""Every write path of the rates drops the rate table held in memory, so Convert sees it at
once: a save (admin, shell), the feed's update, the initial load (a bulk insert)."""

from decimal import Decimal

import pytest

from currency.models import ExchangeRate
from currency.services import currency_convert, rates, rates_load_initial, rates_update
from shop.money import Money

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def remembered_rates():
    rates_load_initial()
    before = rates()
    ExchangeRate.objects.filter(code="USD").update(rate_per_eur=Decimal("9"))  # behind its back
    assert rates() == before


def test_a_saved_rate_converts_at_once(remembered_rates):
    rate = ExchangeRate.objects.get(code="USD")
    rate.rate_per_eur = Decimal("2")
    rate.save()
    assert currency_convert(money=Money("1", "EUR"), to_currency="USD") == Money("2", "USD")


def test_the_feed_update_converts_at_once(remembered_rates):
    rates_update(rates_per_eur={"USD": Decimal("3"), "XAU": Decimal("0.0005")})
    assert rates()["USD"] == Decimal("3")
    assert "XAU" in rates()


def test_the_initial_load_drops_the_table(remembered_rates):
    ExchangeRate.objects.filter(code="JPY").delete()
    rates_load_initial()  # a bulk insert: no signal
    assert rates()["JPY"] == Decimal("126.40")
