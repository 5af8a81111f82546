"""manage.py load_demo: every app's demo data, in dependency order, idempotent."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def load_demo() -> list[str]:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue().splitlines()


def test_rates_products_ads_then_recommendations_each_loaded_once():
    assert load_demo() == [
        "exchange rates: 0 created",  # they come with migrate (currency/0003_initial_rates)
        "products: 9 created",
        "ads: 6 created",
        "recommendation rows: 9 created",
    ]
    assert load_demo() == [
        "exchange rates: 0 created",
        "products: 0 created",
        "ads: 0 created",
        "recommendation rows: 9 created",  # rebuilt from the same products: the same rows
    ]
