"""The embedded shop (no Redis, no broker: `make run`) says nothing alarming while a customer
buys: no warning of ours or of a library on the way to a placed order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JOURNEY = """
from django.test import Client
from testing.fixtures import FORM
visitor = Client()
visitor.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": "1"})
print("CHECKOUT", visitor.post("/cart/checkout", FORM).status_code)
"""


def test_a_purchase_in_the_embedded_shop_logs_no_warning(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "ALLOWED_HOSTS": "testserver",
        "ENV_FILE": os.devnull,
        "PYTHONWARNINGS": "always",
    }

    def manage(*args: str, **options) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=120, check=True, **options,
        )  # fmt: skip

    manage("migrate", "--no-input")
    manage("load_demo")
    done = manage("shell", input=JOURNEY)
    assert "CHECKOUT 200" in done.stdout, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert "WARNING" not in output and "Warning" not in output, output
