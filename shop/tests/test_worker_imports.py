"""What a web worker of the embedded shop loads: none of the gRPC machinery, which only a remote
call or grpcserve needs, nothing of OpenTelemetry's tracing while tracing is off, not Babel,
whose rules for money are tables of ours (docs/decisions.md, "What a gunicorn worker loads"), and
none of the test tools that libraries import when they find them installed (docs/decisions.md,
"A worker without the test tools"). A fresh interpreter loads the shop as gunicorn does
(shop.wsgi), serves a customer's pages, the API and a purchase through the WSGI application
itself (Django's test client would import django.test), then lists what came in: a module
imported at the top of some file again fails here. Then it serves the API schema, whose
generation imports DRF's test module when it needs it. It loads gunicorn's application machinery
first, as gunicorn's processes do."""

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
    # Libraries' imports of what they find installed (the test tools, never in the image), of
    # DRF's test module (drf-spectacular, for schema generation only) and of OpenTelemetry's
    # metrics SDK (redis-py, for an integration the shop does not turn on): shop/import_guards.py.
    "requests",
    "urllib3",
    "pygments",
    "greenlet",
    "msgpack",
    "brotli",
    "jinja2",
    "psutil",
    "unittest",
    "django.test",
    "rest_framework.test",
    "opentelemetry.sdk.metrics",
    # Imported at the top of a library for what a web worker never runs (docs/decisions.md,
    # "Worker memory (third pass)"): redis-py's OpenTelemetry integration (the metrics API),
    # kombu's and DRF's optional YAML, and the Celery worker's and beat's modules (the worker's
    # heartbeat step is named, not imported).
    "opentelemetry.metrics",
    "yaml",
    # OpenTelemetry's trace API: the log lines ask it for the current span only where something
    # loaded it (shop/observability/logs.py).
    "opentelemetry.trace",
    "celery.beat",
    "shop.observability.celery_probes",
    # drf-spectacular's generator and views: with a schema's generation (shop/api_schema.py).
    "drf_spectacular.openapi",
    "drf_spectacular.plumbing",
    "drf_spectacular.generators",
    "drf_spectacular.views",
    # docs/decisions.md, "Worker memory (fourth pass)": Django's humanize template tags (no
    # template loads them; the app is not installed), redis-py's asyncio client, cluster client
    # and sentinel (its synchronous commands import one submodule of redis.asyncio).
    "django.contrib.humanize",
    "redis.asyncio.client",
    "redis.asyncio.cluster",
    "redis.asyncio.connection",
    "redis.asyncio.sentinel",
    # click's command-line toolkit: Celery's exceptions need its exceptions module only.
    "click.core",
    "click.types",
    "click.decorators",
    "click.termui",
)
# Django's e-mail (for the admins' error mails), until the shop sends one: the Celery worker
# does, but the embedded shop here runs its tasks in the web process, so its purchase loads it.
NOT_LOADED_UNTIL_A_MAIL = ("django.core.mail", "email.headerregistry")
# The form is passed in: testing.fixtures itself imports grpc.
VISIT = """
import json, sys
from http.cookies import SimpleCookie
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults
import gunicorn.app.base  # as in gunicorn's processes, which load it before the shop
import shop.wsgi

COOKIES = {}
BODY = []

def visit(method, path, form=None):
    body = urlencode(form or {}).encode()
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "SERVER_NAME": "testserver",
               "HTTP_HOST": "testserver", "CONTENT_LENGTH": str(len(body)),
               "CONTENT_TYPE": "application/x-www-form-urlencoded",
               "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in COOKIES.items())}
    if "?" in path:
        environ["PATH_INFO"], environ["QUERY_STRING"] = path.split("?", 1)
    setup_testing_defaults(environ)
    environ["wsgi.input"].write(body)
    environ["wsgi.input"].seek(0)
    answer = {}
    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        for name, value in headers:
            if name.lower() == "set-cookie":
                COOKIES.update({k: m.value for k, m in SimpleCookie(value).items()})
    result = shop.wsgi.application(environ, start_response)
    try:
        BODY[:] = [b"".join(result)]
    finally:
        result.close()  # as a WSGI server does: Django's request_finished
    return answer["status"]

FORM = json.loads(sys.stdin.readline())
for path in ("/", "/product/OLJCESPC7Z", "/search?q=mug", "/api/v1/products/"):
    assert visit("GET", path) == 200, path
assert visit("POST", "/cart", {"product_id": "OLJCESPC7Z", "quantity": "1"}) in (200, 302)
COOKIES["shop_currency"] = "EUR"
assert visit("GET", "/cart") == 200
print("BROWSED", json.dumps(sorted(sys.modules)))
assert visit("POST", "/cart/checkout", FORM) == 200
print("MODULES", json.dumps(sorted(sys.modules)))
# Then the schema, whose generation imports drf-spectacular's generator and DRF's test module.
assert visit("GET", "/api/v1/schema/") == 200
import yaml
from pathlib import Path
committed = yaml.safe_load(Path("docs/openapi.yaml").read_text())
print("SCHEMA", "rest_framework.test" in sys.modules, yaml.safe_load(BODY[0]) == committed)
"""


def test_a_worker_serving_customers_loads_no_grpc_no_tracing_and_no_test_tools(tmp_path):
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
    # A plain interpreter, as gunicorn's: `manage.py shell` would set Django up before shop.wsgi.
    done = subprocess.run(
        [sys.executable, "-c", VISIT], cwd=ROOT, env=env | {"PYTHONPATH": str(ROOT)},
        input=json.dumps(FORM) + "\n", capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert "MODULES " in done.stdout, done.stdout + done.stderr
    loaded = json.loads(done.stdout.split("MODULES ", 1)[1].split("\n", 1)[0])
    # The schema it served is the committed one (docs/openapi.yaml).
    assert "SCHEMA True True" in done.stdout, done.stdout + done.stderr
    unwanted = [
        module
        for module in loaded
        if any(module == name or module.startswith(name + ".") for name in NOT_LOADED)
    ]
    assert unwanted == [], unwanted
    browsed = json.loads(done.stdout.split("BROWSED ", 1)[1].split("\n", 1)[0])
    assert [name for name in NOT_LOADED_UNTIL_A_MAIL if name in browsed] == []
    assert "django.core.mail" in loaded  # the purchase's e-mail, sent in-process here


SQL_SCRIPT = """
import sys
import shop.wsgi
print("LOADED", "sqlparse" in sys.modules)
from django.db import connection
from django.db.backends.base.operations import BaseDatabaseOperations
# PostgreSQL's operations never split a script; the base class's (SQLite's) does, with sqlparse.
print("SCRIPT", BaseDatabaseOperations.prepare_sql_script(connection.ops, "SELECT 1; SELECT 2;"))
print("LOADED", "sqlparse" in sys.modules)
"""


def test_a_postgresql_worker_loads_sqlparse_only_when_a_sql_script_is_split():
    """Django's base database operations import sqlparse for migrations' SQL scripts, which
    PostgreSQL's never split: a worker on PostgreSQL loads it at its first use instead, which
    still works (SQLite's introspection imports it as a whole, so the embedded shop above has
    it). Loading the shop connects to nothing."""
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    env |= {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
        "ENV_FILE": os.devnull,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    done = subprocess.run(
        [sys.executable, "-c", SQL_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert lines == [
        "LOADED False",
        "SCRIPT ['SELECT 1;', 'SELECT 2;']",
        "LOADED True",
    ], done.stdout + done.stderr
