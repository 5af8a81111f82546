"""Fixtures shared by the apps' tests (registered by the root conftest.py): the demo catalog and
exchange rates, a switch that points the shop at a real redis-server exactly as shop/settings.py
would, the in-memory fakes of the cart, payment and shipping services (testing/fakes.py) and a
hostile ad service on a real gRPC server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from decimal import Decimal

import grpc
import pytest
from django_redis import get_redis_connection

from shop import registry
from shop.dto import Address, CreditCard
from shop.money import Money
from shop.rpc.client import close_channels
from shop.rpc.protos import boutique_ads_pb2 as ads_pb
from shop.rpc.protos import boutique_ads_pb2_grpc as ads_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

from .fakes import FakeCart, FakePayment, FakeShipping
from .servers import PostgresServer, RedisServer

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
    # A test machine runs many suites at once: a healthy Redis must never look hung to the tests
    # (production's 0.25 s would on a busy core). The breaker tests stop and hang Redis anyway.
    env |= {"REDIS_SOCKET_TIMEOUT_SECONDS": "1", "REDIS_CONNECT_TIMEOUT_SECONDS": "1"}
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


@contextmanager
def queueing_on(broker_url: str) -> Iterator[None]:
    """This process queues Celery tasks on the broker at `broker_url` instead of running them
    eagerly, with no connection left over from the broker before it (nor after)."""
    from kombu import pools

    from shop.celery import app

    def forget_connections() -> None:
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, broker_url
    forget_connections()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        forget_connections()


@pytest.fixture
def own_redis(settings, redis_settings_template):
    """A redis-server of this test's own (the test stops or hangs it), the shop pointed at it
    with a long cool-down: once open, the Redis breaker stays open for the whole test."""
    server = RedisServer()
    point_at_redis(settings, redis_settings_template, server.url)
    settings.REDIS_BREAKER_COOLDOWN_SECONDS = 300
    yield server
    server.stop()


@pytest.fixture
def postgres():
    """The PostgreSQL cluster of this test run (postgres-marked tests stop and start it);
    started again if a failed test left it stopped."""
    server = PostgresServer.of_this_run()
    yield server
    try:
        socket.create_connection(("127.0.0.1", server.port), 1).close()
    except OSError:
        server.start()


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


VISA = "4432801561520454"
# The storefront checkout form, filled in as a customer would.
FORM = {
    "email": "ada@example.com",
    "street_address": "1600 Amphitheatre Parkway",
    "zip_code": "94043",
    "city": "Mountain View",
    "state": "CA",
    "country": "United States",
    "credit_card_number": VISA,
    "credit_card_expiration_month": "1",
    "credit_card_expiration_year": "2039",
    "credit_card_cvv": "672",
}


@pytest.fixture
def catalog(db):
    """The demo catalog and exchange rates, as `load_demo` leaves them."""
    from catalog.services import demo_catalog_load
    from currency.services import rates_load_initial

    rates_load_initial()
    demo_catalog_load()


@pytest.fixture
def demo_ads(catalog):
    from ads.services import demo_ads_load

    demo_ads_load()


@pytest.fixture
def fakes(catalog):
    cart, payment, shipping = FakeCart(), FakePayment(), FakeShipping()
    with (
        registry.override("cart", cart),
        registry.override("payments", payment),
        registry.override("shipping", shipping),
    ):
        yield type("Fakes", (), {"cart": cart, "payment": payment, "shipping": shipping})


@pytest.fixture
def address() -> Address:
    return Address("1600 Amphitheatre Parkway", "Mountain View", "CA", "United States", "94043")


@pytest.fixture
def card() -> CreditCard:
    return CreditCard(number=VISA, cvv="672", expiration_year=2039, expiration_month=1)


class HostileAdService(pb_grpc.AdServiceServicer, ads_pb_grpc.AdClickServiceServicer):
    """Another ad service, answering with links out of the shop."""

    def GetAds(self, request, context):
        return pb.AdResponse(
            ads=[
                pb.Ad(redirect_url="javascript:alert(1)", text="<b>x</b>"),
                pb.Ad(redirect_url="https://evil.example/", text="away"),
                pb.Ad(redirect_url="/product/OLJCESPC7Z", text="<b>fine</b>"),
            ]
        )

    def Click(self, request, context):
        return ads_pb.ClickResponse(redirect_url="https://evil.example/")


@pytest.fixture
def hostile_ad_service(settings):
    """A real gRPC server with a hostile ad service, which ad_client() then calls."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    servicer = HostileAdService()
    pb_grpc.add_AdServiceServicer_to_server(servicer, server)
    ads_pb_grpc.add_AdClickServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, "ads": f"127.0.0.1:{port}"}
    registry.reset()
    yield
    server.stop(grace=None)
    close_channels()
    registry.reset()
