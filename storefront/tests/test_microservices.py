"""The whole shop in microservices mode over real gRPC: one `grpcserve` process serving all nine
services from their database, and a storefront process with every *_SERVICE_ADDR pointing at it
that has no access to the services' tables: its own empty database (not even migrated) and its
sessions in a real Redis. The storefront process runs microservices_journey.py: add to cart, the
cart in EUR, checkout through CheckoutService (boutique.CustomerOrderService) with a VISA card,
the order page, and a declined AMEX with its message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from testing.servers import free_port, wait_for_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SERVICE_ADDR_SETTINGS = [
    "PRODUCT_CATALOG_SERVICE_ADDR", "CART_SERVICE_ADDR", "CURRENCY_SERVICE_ADDR",
    "PAYMENT_SERVICE_ADDR", "SHIPPING_SERVICE_ADDR", "EMAIL_SERVICE_ADDR",
    "CHECKOUT_SERVICE_ADDR", "RECOMMENDATION_SERVICE_ADDR", "AD_SERVICE_ADDR",
]  # fmt: skip


def manage(*args: str, env: dict, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False, **options,
    )  # fmt: skip


@pytest.fixture
def shop_env(tmp_path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    env.pop("REDIS_URL", None)  # the embedded defaults: eager Celery, local-memory caches
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "ENV_FILE": str(tmp_path / "no.env"),
    }
    for command in (["migrate", "--noinput"], ["load_demo"]):
        done = manage(*command, env=env)
        assert done.returncode == 0, done.stderr
    return env


@pytest.fixture
def services(shop_env, tmp_path):
    port = free_port()
    log = open(tmp_path / "grpcserve.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "grpcserve", "--port", str(port)],
        cwd=ROOT, env=shop_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_port(port, timeout=60)
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_customer_journey_over_grpc(shop_env, services, use_redis, tmp_path):
    # use_redis empties the suite's Redis: pages cached there by earlier tests (other databases,
    # other prices) must not be this storefront's.
    storefront_env = shop_env | dict.fromkeys(SERVICE_ADDR_SETTINGS, services)
    storefront_env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'storefront-only.sqlite3'}",
        "REDIS_URL": use_redis.url,
    }
    script = (Path(__file__).with_name("microservices_journey.py")).read_text()
    done = manage("shell", env=storefront_env, input=script)
    lines = [line for line in done.stdout.splitlines() if line.startswith("JOURNEY ")]
    assert lines, done.stdout + done.stderr
    seen = json.loads(lines[-1].removeprefix("JOURNEY "))
    assert all(name.startswith("Grpc") for name in seen["clients"]), seen
    assert seen["add"] == 302
    assert seen["cart"] == [200, True]  # 2 × 17,68 €
    assert seen["checkout"] == [200, True, True], done.stderr  # 35,36 € + 7,95 € shipping
    assert seen["order"] == [200, True]
    assert seen["cart_after"] is True
    assert seen["amex"] == [422, True, True]
    assert seen["storefront_tables"] == []
