"""Disaster recovery for real: a shop with an order and carts in a real Redis (with a password) is
backed up with `manage.py backup`, restored with `manage.py restore` into an empty database and
an empty Redis, and the order, the cart and the session are found there. Each command runs in its
own process against its own settings, as an operator would run it; on SQLite and on a throwaway
PostgreSQL cluster."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from testing.servers import PostgresServer, RedisServer

pytestmark = pytest.mark.slow

ROOT = Path(settings.BASE_DIR)
REDIS_PASSWORD = "redis-secret-for-the-backup-test"  # noqa: S105
PG_PASSWORD = "pg-secret-for-the-backup-test"  # noqa: S105
TIMEOUT = 300  # seconds for any one command, on a busy 2-core machine

# Run by `manage.py shell` in the source shop: an order placed through the checkout service (cart
# in Redis, the simulated payment gateway), a second customer's cart left open, and a session.
SEED = """
import json
from cart.client import cart_client
from checkout.client import checkout_client
from django.contrib.sessions.backends.cache import SessionStore
from shop.dto import Address, CreditCard

cart_client().add_item("buyer", "OLJCESPC7Z", 2)
order = checkout_client().place_order(
    user_id="buyer", user_currency="EUR", email="ada@example.com",
    address=Address("1600 Amphitheatre Parkway", "Mountain View", "CA", "United States", "94043"),
    credit_card=CreditCard(number="4432801561520454", cvv="672", expiration_year=2039,
                           expiration_month=1),
)
cart_client().add_item("browser", "66VCHSJNUP", 3)
session = SessionStore()
session["cart_id"] = "browser"
session.save()
print(json.dumps({"order": order.order_id, "session": session.session_key}))
"""

# Run in a shop, after a line setting `session_key`: what customers and the staff find there.
FIND = """
import json
from cart.client import cart_client
from checkout.models import Order
from django.contrib.sessions.backends.cache import SessionStore

print(json.dumps({
    "orders": {str(o.id): [[l.product_id, l.quantity] for l in o.lines.all()]
               for o in Order.objects.all()},
    "cart": [[i.product_id, i.quantity] for i in cart_client().get_cart("browser").items],
    "session": SessionStore(session_key).get("cart_id"),
}))
"""


def find(session_key: str) -> str:
    return f"session_key = {session_key!r}\n{FIND}"


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    with psycopg.connect(
        host="127.0.0.1", port=server.port, user="postgres", dbname="postgres", autocommit=True
    ) as admin:
        for name in ("source", "target"):
            admin.execute(f"CREATE DATABASE {name}")
    yield server
    server.stop()


@pytest.fixture
def redis_pair() -> Iterator[tuple[RedisServer, RedisServer]]:
    source, target = RedisServer(REDIS_PASSWORD), RedisServer(REDIS_PASSWORD)
    yield source, target
    source.stop()
    target.stop()


def database_urls(vendor: str, tmp_path: Path, request) -> tuple[str, str]:
    if vendor == "sqlite":
        return f"sqlite:///{tmp_path}/source.sqlite3", f"sqlite:///{tmp_path}/target.sqlite3"
    server = request.getfixturevalue("postgres")
    # Trust authentication ignores the password; it is here to prove no backup file keeps it.
    return tuple(
        f"postgres://postgres:{PG_PASSWORD}@127.0.0.1:{server.port}/{name}"
        for name in ("source", "target")
    )


def manage(database_url: str, redis_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")} | {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LOG_FORMAT": "text",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def shell(manage_py, script: str):
    """Runs `script` in the shop; the JSON it printed last."""
    return json.loads(ok(manage_py("shell", "--no-imports", "-c", script)).splitlines()[-1])


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_a_backup_restores_orders_carts_and_sessions_into_an_empty_shop(
    vendor, tmp_path, redis_pair, request
):
    source_db, target_db = database_urls(vendor, tmp_path, request)
    source = functools.partial(manage, source_db, redis_pair[0].url)
    target = functools.partial(manage, target_db, redis_pair[1].url)
    ok(source("migrate", "--no-input"))
    ok(source("load_demo"))
    seeded = shell(source, SEED)
    found_in_source = shell(source, find(seeded["session"]))

    output = ok(source("backup", "--output", str(tmp_path / "backups")))
    (folder,) = re.findall(r"Backup complete: (\S+) \(", output)
    saved = json.loads((Path(folder) / "manifest.json").read_text())
    assert saved["database"]["vendor"] == vendor
    assert saved["database"]["rows"]["checkout_order"] == 1
    assert saved["redis"]["keys"] == {"carts": 1, "sessions": 1}
    for secret in (REDIS_PASSWORD, PG_PASSWORD):
        assert not [p.name for p in Path(folder).iterdir() if secret in p.read_text("latin-1")]
        assert secret not in output

    restored = ok(target("restore", folder))
    assert "database: " in restored and "redis: carts 1, sessions 1 keys" in restored
    found = shell(target, find(seeded["session"]))
    assert found == found_in_source
    assert found["orders"][seeded["order"]] == [["OLJCESPC7Z", 2]]
    assert found["cart"] == [["66VCHSJNUP", 3]]
    assert found["session"] == "browser"
    ok(target("migrate", "--check"))

    # Never over existing data unless asked; asked, the result is the same shop.
    refused = target("restore", folder)
    assert refused.returncode != 0
    assert "restore into an empty one or --force" in refused.stderr
    ok(target("restore", folder, "--force"))
    assert shell(target, find(seeded["session"])) == found
