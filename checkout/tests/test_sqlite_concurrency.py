"""The embedded shop (`make run`: gunicorn, one worker, eight threads, a SQLite file) takes twenty
simultaneous checkouts without one "database is locked": SQLite transactions are IMMEDIATE and
wait for the write lock (shop/settings.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from testing.fixtures import FORM
from testing.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
SHOPPERS = 20

pytestmark = pytest.mark.slow


@pytest.fixture
def embedded_shop(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    port = free_port()
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "ENV_FILE": os.devnull,
        "SECRET_KEY": "embedded-test-only-" + "x" * 40,
        "LOG_LEVEL": "WARNING",
    }
    for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=180)  # fmt: skip
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "shop.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--threads", "8"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_port(port, timeout=60)
        yield f"http://127.0.0.1:{port}", log
    finally:
        server.terminate()
        server.wait(20)


def test_twenty_simultaneous_checkouts_on_sqlite_all_succeed(embedded_shop):
    url, log = embedded_shop
    shoppers = [requests.Session() for _ in range(SHOPPERS)]
    for number, shopper in enumerate(shoppers):
        added = shopper.post(f"{url}/cart", {"product_id": "OLJCESPC7Z", "quantity": "1"},
                             allow_redirects=False, timeout=60)  # fmt: skip
        assert added.status_code == 302, (number, added.status_code)
    start = threading.Barrier(SHOPPERS)

    def check_out(shopper: requests.Session) -> int:
        start.wait()
        return shopper.post(f"{url}/cart/checkout", FORM, timeout=120).status_code

    with ThreadPoolExecutor(SHOPPERS) as pool:
        statuses = list(pool.map(check_out, shoppers))

    assert statuses == [200] * SHOPPERS, (statuses, log.read_text()[-3000:])
    assert "database is locked" not in log.read_text()
