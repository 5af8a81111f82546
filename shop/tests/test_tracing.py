"""Traces (shop/observability/tracing.py). One checkout across real processes — the web, the
payment service over gRPC and a Celery worker on a real Redis — is one trace in an OTLP receiver
built on opentelemetry-proto's messages; and without an endpoint no OpenTelemetry module is even
imported. Every process runs apart from the test's, whose grpc module stays unpatched."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from testing.otlp import OtlpReceiver, ReceivedSpan
from testing.servers import RedisServer, free_port
from testing.stack import VISA, checkout_stack

ROOT = Path(__file__).resolve().parents[2]
CHARGE = "/hipstershop.PaymentService/Charge"
ORDER_COMPLETED = "checkout.tasks.order_completed"
EMAIL_SEND = "notifications.tasks.email_send"
CELERY = [sys.executable, "-m", "celery", "-A", "shop"]


def _one(spans: list[ReceivedSpan], service: str, kind: str, name: str) -> ReceivedSpan:
    found = [s for s in spans if (s.service, s.kind, s.name) == (service, kind, name)]
    assert len(found) == 1, (service, kind, name, found)
    return found[0]


def _clean_env() -> dict[str, str]:
    """This process's environment without OpenTelemetry's variables or a developer's .env."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    return env | {"ENV_FILE": os.devnull}


def _checkout_traced(spans: list[ReceivedSpan]) -> bool:
    """The last spans to arrive are there: the web's request and the worker's e-mail task."""
    names = {(s.service, s.name) for s in spans}
    return {("web", "POST cart/checkout"), ("worker", f"run/{EMAIL_SEND}")} <= names


# The batch is exported only once this long has passed, or when the process ends.
NOT_BEFORE_THE_END = {"OTEL_BSP_SCHEDULE_DELAY": "600000"}


@pytest.mark.slow
def test_one_checkout_is_one_trace_from_the_web_through_grpc_to_the_email_task(tmp_path):
    with OtlpReceiver() as receiver:
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, **NOT_BEFORE_THE_END}
        with checkout_stack(tmp_path, extra_env=env) as stack:
            shopper = requests.Session()
            order_page = stack.checkout(shopper)
            assert shopper.get(stack.web_url + order_page, timeout=30).status_code == 200
            stack.wait_for_email()
            stack.wait_for_log("worker", f"{EMAIL_SEND} SUCCESS")  # the task ended
            assert receiver.received() == []
        # Stopped as a deployment stops them (SIGTERM; SIGQUIT for the worker), each process
        # exported its spans on the way out.
        spans = receiver.wait_for(_checkout_traced, timeout=10)

    request = _one(spans, "web", "SERVER", "POST cart/checkout")
    trace = [s for s in spans if s.trace_id == request.trace_id]
    by_id = {s.span_id: s for s in trace}

    def parent(span: ReceivedSpan) -> ReceivedSpan:
        assert span.parent_span_id in by_id, f"{span.name}'s parent is not in the trace"
        return by_id[span.parent_span_id]

    # web -> payments: the client span's context crossed in the gRPC metadata.
    charge_call = _one(trace, "web", "CLIENT", CHARGE)
    charge_served = _one(trace, "payments", "SERVER", CHARGE)
    assert parent(charge_call) == request
    assert parent(charge_served) == charge_call

    # web -> worker (first hop): published on commit, inside the request.
    order_published = _one(trace, "web", "PRODUCER", f"apply_async/{ORDER_COMPLETED}")
    order_run = _one(trace, "worker", "CONSUMER", f"run/{ORDER_COMPLETED}")
    assert parent(order_published) == request
    assert parent(order_run) == order_published

    # worker -> worker (second hop): the e-mail task queued by the first task.
    email_published = _one(trace, "worker", "PRODUCER", f"apply_async/{EMAIL_SEND}")
    email_run = _one(trace, "worker", "CONSUMER", f"run/{EMAIL_SEND}")
    assert parent(email_published) == order_run
    assert parent(email_run) == email_published

    # Each process's log lines of the checkout name its trace (shop/observability/logs.py).
    for process, logger, message in [
        ("web", "shop.http", "POST /cart/checkout 200"),
        ("payments", "shop.grpc", f"{CHARGE} OK"),
        ("worker", "shop.task", f"{EMAIL_SEND} SUCCESS"),
    ]:
        lines = [json.loads(line) for line in stack.logs()[process].splitlines() if message in line]
        assert [(line["logger"], line["trace_id"]) for line in lines] == [
            (logger, request.trace_id)
        ], process

    # Neither the order's access token (its page's query string) nor the card is in any span.
    token = order_page.split("token=")[1]
    assert [s.name for s in spans if token in repr(s) or VISA in repr(s)] == []

    # No request or task left a stray root: not the worker's broker polling, not the probes.
    roots = {(s.service, s.kind, s.name) for s in spans if not s.parent_span_id}
    pages = {"POST cart", "POST cart/checkout", "GET order/<uuid:order_id>"}
    assert roots <= {("web", "SERVER", page) for page in pages}


@pytest.mark.slow
def test_a_prefork_pool_process_exports_its_spans_when_the_worker_stops(tmp_path):
    """Production's pool: its processes end with os._exit, past the SDK's exit handler."""
    task = "celery.accumulate"  # Celery's own: returns its arguments, needs nothing of the shop
    redis_server = RedisServer()
    log = tmp_path / "worker.log"
    with OtlpReceiver() as receiver:
        env = _clean_env() | NOT_BEFORE_THE_END | {
            "SECRET_KEY": "tracing-test-only-" + "x" * 40,
            "REDIS_URL": redis_server.url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
        }  # fmt: skip
        worker = subprocess.Popen(
            [*CELERY, "worker", "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            subprocess.run([*CELERY, "call", task], cwd=ROOT, env=env, check=True, timeout=60,
                           capture_output=True)  # fmt: skip
            deadline = time.monotonic() + 30
            while not re.search(rf"{task}\[.*\] succeeded", log.read_text()):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            assert receiver.received() == []
        finally:
            worker.send_signal(signal.SIGTERM)  # a warm shutdown, as Kubernetes stops a pod
            worker.wait(timeout=30)
            redis_server.stop()
        spans = receiver.wait_for(bool, timeout=10)
    assert [(s.service, s.kind, s.name) for s in spans] == [("worker", "CONSUMER", f"run/{task}")]


# What tracing brings in. Not the SDK's metrics package: redis-py imports it by itself whenever it
# is installed, for metrics of its own that the shop does not turn on.
TRACING_MODULES = (
    "opentelemetry.sdk.trace", "opentelemetry.instrumentation", "opentelemetry.exporter",
    "opentelemetry.propagators",
)  # fmt: skip
PROBE = f"""
import json, sys
from wsgiref.util import setup_testing_defaults
import grpc, psycopg, redis
from celery.signals import worker_process_init
from django.conf import settings
from shop.observability.tracing import setup_tracing
from shop.wsgi import application  # the web's entry point: settings, setup_tracing, django.setup()

environ = {{"PATH_INFO": "/_healthz", "HTTP_HOST": "127.0.0.1"}}
setup_testing_defaults(environ)
statuses = []
b"".join(application(environ, lambda status, headers: statuses.append(status)))
worker_process_init.send(sender="probe")  # what a Celery pool process runs first
tracing = setup_tracing("again")  # a later call only tells

hooks = {{"grpc.server": grpc.server, "grpc.insecure_channel": grpc.insecure_channel,
         "psycopg.connect": psycopg.connect, "redis": redis.Redis.execute_command}}
patched = [name for name, hook in hooks.items()
           if hasattr(hook, "__wrapped__") or "opentelemetry" in hook.__module__]
if any("opentelemetry" in middleware for middleware in settings.MIDDLEWARE):
    patched.append("django middleware")
provider = tracing and sys.modules["opentelemetry.trace"].get_tracer_provider()
print(json.dumps({{
    "status": statuses[0],
    "tracing": tracing,
    "service": provider and provider.resource.attributes["service.name"],
    "loaded": sorted({{".".join(m.split(".")[1:3]) for m in sys.modules
                      if m.startswith({TRACING_MODULES!r})}}),
    "patched": sorted(patched),
}}))
"""


def _probe(**env: str) -> dict:
    """What a fresh web process that served a request and ran a pool process's start has loaded
    and patched of OpenTelemetry."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT, env=_clean_env() | env,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


ALL_HOOKS = [
    "django middleware",
    "grpc.insecure_channel",
    "grpc.server",
    "psycopg.connect",
    "redis",
]


def test_without_an_endpoint_nothing_of_tracing_is_loaded_or_patched():
    nothing = {"status": "200 OK", "tracing": False, "service": False, "loaded": [], "patched": []}
    assert _probe() == nothing
    endpoint = f"http://127.0.0.1:{free_port()}"
    assert _probe(OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, OTEL_SDK_DISABLED="true") == nothing


def test_with_an_endpoint_every_hook_is_installed_and_otel_service_name_wins():
    # Nothing listens there: the exporter only calls it when a span is to be sent, and the probe
    # request is not traced.
    endpoint = f"http://127.0.0.1:{free_port()}"
    seen = _probe(OTEL_EXPORTER_OTLP_ENDPOINT=endpoint)
    assert (seen["tracing"], seen["service"], seen["patched"]) == (True, "web", ALL_HOOKS)
    assert {"sdk.trace", "exporter.otlp", "instrumentation.django"} <= set(seen["loaded"])
    renamed = _probe(OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, OTEL_SERVICE_NAME="boutique-web")
    assert renamed["service"] == "boutique-web"
