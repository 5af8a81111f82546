"""Exchange rates present right after `migrate`: a shop whose catalog came from elsewhere
(import_catalog) switches currency without `load_demo`. Only missing codes are inserted, so a
rate staff or the feed already set is never changed; reversing leaves the rates in place."""

from decimal import Decimal

from django.db import migrations

from currency.services import INITIAL_RATES_PER_EUR


def rates_insert_missing(apps, schema_editor) -> None:
    ExchangeRate = apps.get_model("currency", "ExchangeRate")
    existing = set(ExchangeRate.objects.values_list("code", flat=True))
    ExchangeRate.objects.bulk_create(
        ExchangeRate(code=code, rate_per_eur=Decimal(rate))
        for code, rate in INITIAL_RATES_PER_EUR.items()
        if code not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("currency", "0002_rate_pinned")]

    operations = [migrations.RunPython(rates_insert_missing, migrations.RunPython.noop)]
