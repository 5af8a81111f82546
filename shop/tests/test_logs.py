"""JSON log lines and the request id, in one process: the web's middleware, the gRPC interceptors
over a real channel, an eager Celery task. tests/test_logs_across_processes.py follows one
checkout through gunicorn, grpcserve and a Celery worker."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest

from currency.client import GrpcCurrencyClient
from currency.services import UnsupportedCurrency
from shop.money import Money
from shop.observability import requestid
from shop.observability.logs import ContextFilter, JsonLineFormatter, text_formatter
from shop.tasks import enqueue

GENERATED = re.compile(r"[0-9a-f]{32}")


class Lines:
    """What the shop's console handler would write, captured from the root logger."""

    def __init__(self, formatter: logging.Formatter):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(formatter)
        self.handler.addFilter(ContextFilter())

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def json(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines()]

    def of(self, logger: str) -> list[dict]:
        return [line for line in self.json() if line["logger"] == logger]


def _capture(formatter: logging.Formatter):
    lines = Lines(formatter)
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.INFO)
    root.addHandler(lines.handler)
    try:
        yield lines
    finally:
        root.removeHandler(lines.handler)
        root.setLevel(previous)


@pytest.fixture
def logged():
    yield from _capture(JsonLineFormatter())


@pytest.fixture
def logged_text():
    yield from _capture(text_formatter())


@pytest.fixture
def bound_id():
    """Code running for a request whose id is already bound (as inside the web's middleware)."""
    value = f"rid-{uuid.uuid4().hex[:12]}"
    token = requestid._current.set(value)
    yield value
    requestid._current.reset(token)


def test_a_well_formed_request_id_is_kept_returned_and_logged(client, logged):
    response = client.get("/_healthz", HTTP_X_REQUEST_ID="Abc.def_0-9")
    assert response["X-Request-ID"] == "Abc.def_0-9"
    (line,) = logged.of("shop.http")
    assert line["request_id"] == "Abc.def_0-9"
    assert line["service"] == "web" and line["level"] == "INFO"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/_healthz", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["message"].startswith("GET /_healthz 200 ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["timestamp"])


@pytest.mark.parametrize(
    "header",
    [None, "", "has space", "x" * 129, "line\nbreak", "ünïcode", "semi;colon", "a/b"],
)
def test_a_missing_or_malformed_request_id_is_replaced(client, logged, header):
    extra = {} if header is None else {"HTTP_X_REQUEST_ID": header}
    response = client.get("/_healthz", **extra)
    assert GENERATED.fullmatch(response["X-Request-ID"])
    (line,) = logged.of("shop.http")
    assert line["request_id"] == response["X-Request-ID"]


def test_above_info_no_request_line_is_logged_but_the_id_is_still_returned(client, logged):
    http_log = logging.getLogger("shop.http")
    level = http_log.level
    http_log.setLevel(logging.WARNING)  # LOG_LEVEL=WARNING, as the load runs and bench set it
    try:
        response = client.get("/_healthz", HTTP_X_REQUEST_ID="quiet-1")
    finally:
        http_log.setLevel(level)
    assert response["X-Request-ID"] == "quiet-1"
    assert logged.of("shop.http") == []


def test_the_longest_well_formed_id_is_kept(client):
    assert client.get("/_healthz", HTTP_X_REQUEST_ID="x" * 128)["X-Request-ID"] == "x" * 128


@pytest.mark.django_db
def test_the_route_is_the_pattern_and_query_strings_are_never_logged(client, logged):
    order_id = uuid.uuid4()
    secret = "order-access-token-" + uuid.uuid4().hex
    response = client.get(f"/order/{order_id}?token={secret}", HTTP_X_REQUEST_ID="rid-404")
    assert response.status_code == 404
    (line,) = logged.of("shop.http")
    assert line["route"] == "/order/<uuid:order_id>" and line["status"] == 404
    # Django reports the 404 after the middleware is done: still with the request id.
    (django_line,) = logged.of("django.request")
    assert django_line["request_id"] == "rid-404"
    assert secret not in logged.text and str(order_id) in logged.text


def test_an_unmatched_path_has_no_route(client, logged):
    client.get("/no/such/page")
    (line,) = logged.of("shop.http")
    assert line["route"] is None and line["status"] == 404


@pytest.mark.django_db(transaction=True)
def test_a_grpc_call_carries_the_id_and_the_server_logs_one_line_per_call(
    grpc_server, rates, logged, bound_id
):
    client = GrpcCurrencyClient(grpc_server("currency"))
    assert "EUR" in client.supported_currencies()
    with pytest.raises(UnsupportedCurrency):
        client.convert(Money(Decimal("1.00"), "EUR"), "XXX")
    ok, refused = logged.of("shop.grpc")
    assert ok["rpc"] == "/hipstershop.CurrencyService/GetSupportedCurrencies"
    assert (ok["code"], ok["request_id"]) == ("OK", bound_id)
    assert isinstance(ok["duration_ms"], float)
    assert refused["rpc"] == "/hipstershop.CurrencyService/Convert"
    assert refused["code"] == "INVALID_ARGUMENT" and refused["request_id"] == bound_id


@pytest.mark.django_db(transaction=True)
def test_a_grpc_call_without_an_id_gets_one_on_the_server(grpc_server, rates, logged):
    GrpcCurrencyClient(grpc_server("currency")).supported_currencies()
    (line,) = logged.of("shop.grpc")
    assert GENERATED.fullmatch(line["request_id"])


@pytest.mark.django_db
def test_a_task_run_eagerly_keeps_the_id_of_the_request_that_queued_it(logged, bound_id):
    enqueue("cart.tasks.purge_idle_carts")
    (line,) = logged.of("shop.task")
    assert (line["task"], line["outcome"]) == ("cart.tasks.purge_idle_carts", "SUCCESS")
    assert line["request_id"] == bound_id and isinstance(line["duration_ms"], float)
    assert requestid.current() == bound_id  # the task did not unbind the request's id


def test_lines_outside_a_request_have_no_request_id(logged):
    logging.getLogger("shop.somewhere").warning("nothing to do with a request")
    (line,) = logged.of("shop.somewhere")
    assert "request_id" not in line and line["service"] == "web"


def test_text_lines_for_a_terminal(logged_text, bound_id):
    logging.getLogger("shop.somewhere").info("inside")
    requestid._current.set(None)
    logging.getLogger("shop.somewhere").info("outside")
    inside, outside = logged_text.text.splitlines()
    assert inside.endswith(f"INFO shop.somewhere [{bound_id}] inside")
    assert outside.endswith("INFO shop.somewhere [-] outside")


def test_an_unknown_log_format_is_refused():
    env = {**os.environ, "LOG_FORMAT": "xml", "ENV_FILE": os.devnull}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "shop.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "LOG_FORMAT must be json or text" in done.stderr
