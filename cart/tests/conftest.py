"""Fixtures of the cart tests: the demo catalog, exchange rates, a shipping fake and a switch
that points the shop at a real redis-server exactly as shop/settings.py would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from decimal import Decimal

import pytest
from django_redis import get_redis_connection

from shop import registry
from shop.money import Money

SETTINGS_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "REDIS_URL": settings.REDIS_URL,
    "CACHES": settings.CACHES,
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "SESSION_CACHE_ALIAS": settings.SESSION_CACHE_ALIAS,
}))
"""


def redis_settings_for(url: str) -> dict:
    """The settings shop/settings.py derives from REDIS_URL=url, read from a fresh process."""
    env = {**os.environ, "REDIS_URL": url, "ENV_FILE": os.devnull}
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def redis_settings_template(redis_server) -> dict:
    return redis_settings_for(redis_server.url)


def point_at_redis(settings, template: dict, url: str) -> None:
    """Applies the REDIS_URL-derived settings with `url` in place of the template's."""
    for name, value in json.loads(json.dumps(template).replace(template["REDIS_URL"], url)).items():
        setattr(settings, name, value)


@pytest.fixture
def use_redis(settings, redis_server, redis_settings_template):
    """The shop configured with REDIS_URL pointing at the suite's redis-server, emptied."""
    point_at_redis(settings, redis_settings_template, redis_server.url)
    get_redis_connection("default").flushdb()
    return redis_server


@pytest.fixture
def use_database(settings):
    settings.REDIS_URL = ""
    assert "django_redis" not in settings.CACHES["default"]["BACKEND"]


@pytest.fixture(params=["database", "redis"])
def any_store(request):
    """Runs a test against both cart stores."""
    request.getfixturevalue("use_redis" if request.param == "redis" else "use_database")
    return request.param


@pytest.fixture
def catalog(db):
    from catalog.services import demo_catalog_load

    demo_catalog_load()


@pytest.fixture
def rates(db):
    from currency.services import rates_load_initial

    rates_load_initial()


class FlatRateShipping:
    """Stands in for the shipping service (built in parallel by its own issue): the original's
    rule, 8.99 USD for any items, 0 for none."""

    def __init__(self):
        self.quotes = []

    def get_quote(self, address, items):
        self.quotes.append(tuple(items))
        return Money(Decimal("8.99") if items else Decimal("0"), "USD")


@pytest.fixture
def shipping():
    fake = FlatRateShipping()
    with registry.override("shipping", fake):
        yield fake


@pytest.fixture(autouse=True)
def _fresh_clients():
    registry.reset()
    yield
    registry.reset()


def add_concurrently(count: int, *, user_id: str, product_id: str) -> list[Exception]:
    """`count` threads released together each add one; returns the errors they met."""
    from django.db import connection

    from cart.services import cart_add_item

    start, errors = threading.Barrier(count), []

    def add_one() -> None:
        try:
            start.wait()
            cart_add_item(user_id=user_id, product_id=product_id, quantity=1)
        except Exception as exc:  # collected for the test to assert on
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add_one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
