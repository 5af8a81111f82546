"""Exchange rates exist as soon as the database is migrated (migration 0003), so a shop whose
catalog was imported switches currency without `load_demo`; a rate already set stays."""

import importlib
from decimal import Decimal

from django.apps import apps

from currency.models import ExchangeRate
from currency.services import INITIAL_RATES_PER_EUR

initial_rates = importlib.import_module("currency.migrations.0003_initial_rates")


def test_a_migrated_database_has_every_initial_rate(db):
    # The test database is built by running the migrations, as `manage.py migrate` does.
    assert set(ExchangeRate.objects.values_list("code", flat=True)) == set(INITIAL_RATES_PER_EUR)


def test_the_migration_inserts_missing_rates_and_keeps_staff_edits(db):
    ExchangeRate.objects.filter(code="JPY").update(rate_per_eur=Decimal("150"), pinned=True)
    ExchangeRate.objects.filter(code="TRY").delete()

    initial_rates.rates_insert_missing(apps, None)

    jpy = ExchangeRate.objects.get(code="JPY")
    assert (jpy.rate_per_eur, jpy.pinned) == (Decimal("150"), True)
    assert ExchangeRate.objects.get(code="TRY").rate_per_eur == Decimal(
        INITIAL_RATES_PER_EUR["TRY"]
    )
    assert ExchangeRate.objects.count() == len(INITIAL_RATES_PER_EUR)
