from decimal import Decimal

import pytest

from currency.models import ExchangeRate
from currency.services import rates_load_initial

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rates():
    rates_load_initial()


def test_a_staff_edit_records_who_and_when_and_pins_the_rate(admin_client, admin_user):
    before = ExchangeRate.objects.get(code="USD").updated_at
    response = admin_client.post("/admin/currency/exchangerate/USD/change/",
                                 {"code": "USD", "rate_per_eur": "1.1000"})  # fmt: skip
    assert response.status_code == 302
    usd = ExchangeRate.objects.get(code="USD")
    assert usd.rate_per_eur == Decimal("1.1")
    assert usd.updated_by == admin_user and usd.updated_at > before
    assert usd.pinned


def test_unpinning_hands_the_rate_back_to_the_feed(admin_client):
    ExchangeRate.objects.filter(code="USD").update(pinned=True)
    admin_client.post("/admin/currency/exchangerate/USD/change/",
                      {"code": "USD", "rate_per_eur": "1.1305"})  # fmt: skip
    assert not ExchangeRate.objects.get(code="USD").pinned


def test_a_non_positive_rate_is_refused(admin_client):
    response = admin_client.post("/admin/currency/exchangerate/USD/change/",
                                 {"code": "USD", "rate_per_eur": "0", "pinned": "on"})  # fmt: skip
    assert response.status_code == 200
    assert ExchangeRate.objects.get(code="USD").rate_per_eur == Decimal("1.1305")
