"""What a web worker of the embedded shop loads: none of the gRPC machinery, which only a remote
call or grpcserve needs, nothing of OpenTelemetry's tracing while tracing is off, and not Babel,
whose rules for money are tables of ours (docs/decisions.md, "What a gunicorn worker loads").
A fresh interpreter loads the shop as gunicorn does (shop.wsgi), serves a customer's pages and a
purchase, then lists what came in: a module imported at the top of some file again fails here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from testing.fixtures import FORM

ROOT = Path(__file__).resolve().parents[2]
# Loaded only by a remote client, grpcserve, tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set, or
# the tests and generators of shop/money_display.py and shop/currencies.py (Babel).
NOT_LOADED = (
    "babel",
    "grpc",
    "grpc_reflection",
    "grpc_health",
    "google.protobuf",
    "shop.rpc.protos.hipstershop_pb2",
    "shop.rpc.protos.hipstershop_pb2_grpc",
    "shop.observability.requestid_grpc",
    "shop.observability.metrics_grpc",
    "opentelemetry.sdk.trace",
    "opentelemetry.exporter",
    "opentelemetry.instrumentation",
)
# The form is passed in: testing.fixtures itself imports grpc.
VISIT = """
import json, sys
import shop.wsgi
from django.test import Client
FORM = json.loads(sys.stdin.readline())
visitor = Client()
for path in ("/", "/product/OLJCESPC7Z", "/search?q=mug"):
    assert visitor.get(path).status_code == 200, path
visitor.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": "1"})
visitor.cookies["shop_currency"] = "EUR"
assert visitor.get("/cart").status_code == 200
assert visitor.post("/cart/checkout", FORM).status_code == 200
print("MODULES", json.dumps(sorted(sys.modules)))
"""


def test_a_worker_serving_customers_loads_no_grpc_and_no_tracing(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        env.pop(name, None)
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "ALLOWED_HOSTS": "testserver",
        "ENV_FILE": os.devnull,
        "LOG_LEVEL": "WARNING",
    }

    def manage(*args: str, **options) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=180, check=True, **options,
        )  # fmt: skip

    manage("migrate", "--no-input")
    manage("load_demo")
    done = manage("shell", "--command", VISIT, input=json.dumps(FORM) + "\n")
    assert "MODULES " in done.stdout, done.stdout + done.stderr
    loaded = json.loads(done.stdout.split("MODULES ", 1)[1])
    unwanted = [
        module
        for module in loaded
        if any(module == name or module.startswith(name + ".") for name in NOT_LOADED)
    ]
    assert unwanted == []
