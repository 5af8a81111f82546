"""Readiness: `/readyz` answers 200 when the database, Redis and the broker answer, and 503 naming
the failing one within 2 s when one is down or hung; grpcserve's health service reports
NOT_SERVING while its own dependencies are down and SERVING after. Real redis-server, PostgreSQL,
gunicorn and grpcserve processes; nothing is faked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
import requests
from django.conf import settings
from grpc_health.v1 import health_pb2, health_pb2_grpc

from shop.rpc.server import LIVENESS, HealthMonitor, build_server, dependency_kinds
from testing.fixtures import point_at_redis
from testing.servers import PostgresServer, RedisServer, free_port, wait_for_port

ROOT = Path(settings.BASE_DIR)
# The acceptance bound: a probe learns of a dead or hung dependency within this.
ANSWER_WITHIN = 2.0
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
CART_NAMES = ("", "hipstershop.CartService", "boutique.CartLineService")


def eventually(probe: Callable[[], object], expected: object, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while (seen := probe()) != expected:
        assert time.monotonic() < deadline, f"still {seen!r}, not {expected!r}, after {timeout}s"
        time.sleep(0.1)


def timed_get(client, path: str = "/readyz"):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def failing(body: dict) -> list[str]:
    return sorted(name for name, check in body["checks"].items() if check["status"] != "ok")


@pytest.fixture(scope="module")
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of this module's own, to halt and freeze without disturbing the suite's."""
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def on_own_redis(settings, own_redis, redis_settings_template) -> RedisServer:
    point_at_redis(settings, redis_settings_template, own_redis.url)
    return own_redis


@pytest.mark.django_db
def test_the_embedded_shop_is_ready_on_its_database_alone(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ready"
    # No Redis and eager tasks: nothing else to wait for.
    assert list(body["checks"]) == ["database:default"]
    assert body["checks"]["database:default"]["status"] == "ok"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_halted_redis_is_named_within_two_seconds_and_readiness_returns_with_it(
    client, on_own_redis, caplog
):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert failing(response.json()) == []
    assert {"redis:default", "redis:sessions"} <= set(response.json()["checks"])
    on_own_redis.halt()
    try:
        response, took = timed_get(client)
        assert took < ANSWER_WITHIN
        assert response.status_code == 503
        # JSON, never the storefront's HTML error page; and never cached.
        assert response["Content-Type"] == "application/json"
        assert "no-store" in response["Cache-Control"]
        body = response.json()
        assert body["status"] == "unavailable"
        assert failing(body) == ["redis:default", "redis:sessions"]
        assert "Connection refused" in body["checks"]["redis:default"]["reason"]
        assert body["checks"]["database:default"]["status"] == "ok"
        # One warning with the reasons, not Django's reason-less error for every probe.
        (record,) = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
        assert record.levelname == "WARNING"
        assert "redis:sessions: ConnectionError" in record.getMessage()
    finally:
        on_own_redis.start()
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_a_hung_redis_is_named_within_two_seconds(client, on_own_redis):
    assert client.get("/readyz").status_code == 200
    os.kill(on_own_redis.process.pid, signal.SIGSTOP)
    try:
        # Twice: the second round finds the first round's checks still hanging and waits on
        # them instead of starting more.
        for _ in range(2):
            response, took = timed_get(client)
            assert took < ANSWER_WITHIN
            assert response.status_code == 503
            assert failing(response.json()) == ["redis:default", "redis:sessions"]
    finally:
        os.kill(on_own_redis.process.pid, signal.SIGCONT)
    eventually(lambda: client.get("/readyz").status_code, 200)


@pytest.mark.django_db
def test_a_reason_never_carries_the_redis_password(client, settings, redis_settings_template):
    server = RedisServer(password="the-real-one")
    try:
        wrong = server.url.replace("the-real-one", "a-wrong-secret")
        point_at_redis(settings, redis_settings_template, wrong)
        response = client.get("/readyz")
        assert response.status_code == 503
        assert failing(response.json()) == ["redis:default", "redis:sessions"]
        assert b"a-wrong-secret" not in response.content
        assert b"the-real-one" not in response.content
    finally:
        server.stop()


def test_the_health_of_a_grpc_service_follows_only_what_its_app_uses():
    assert dependency_kinds(["currency"]) == {"database"}
    assert dependency_kinds(["cart"]) == {"database", "redis"}
    assert dependency_kinds(["ads", "payments"]) == {"database", "redis"}


def health_status(channel: grpc.Channel, service: str) -> int:
    check = health_pb2_grpc.HealthStub(channel).Check
    return check(health_pb2.HealthCheckRequest(service=service), timeout=2).status


@pytest.mark.django_db
def test_graceful_shutdown_wins_over_recovered_dependencies(settings, on_own_redis):
    settings.GRPC_HEALTH_INTERVAL_SECONDS = 3600  # checked by hand below
    server, port, health = build_server(["cart"], address="127.0.0.1:0", max_workers=2)
    monitor = HealthMonitor(health, ["cart"])
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            on_own_redis.halt()
            try:
                monitor.check()
                assert health_status(channel, "hipstershop.CartService") == NOT_SERVING
                assert health_status(channel, LIVENESS) == SERVING
                health.enter_graceful_shutdown()
            finally:
                on_own_redis.start()
            monitor.check()
            for name in (*CART_NAMES, LIVENESS):
                assert health_status(channel, name) == NOT_SERVING, name
    finally:
        server.stop(grace=None)


# --- Real processes: gunicorn and grpcserve on PostgreSQL and Redis ---------------------------


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def processes(tmp_path_factory, postgres, own_redis) -> Iterator[dict[str, str]]:
    """gunicorn (the web) and `grpcserve cart`, both on the PostgreSQL cluster and the Redis
    server (cache, sessions, carts and the Celery broker); their addresses by name."""
    folder = tmp_path_factory.mktemp("readiness")
    web_port, grpc_port = free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    env |= {
        "SECRET_KEY": "readiness-test-only-" + "x" * 40,
        "DEBUG": "false",
        "HTTPS_ONLY": "false",
        "ENV_FILE": os.devnull,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{postgres.port}/postgres",
        "REDIS_URL": own_redis.url,
        "GRPC_HEALTH_INTERVAL_SECONDS": "0.2",
    }
    commands = {
        "web": [sys.executable, "-m", "gunicorn", "shop.wsgi:application", "--bind",
                f"127.0.0.1:{web_port}", "--workers", "1", "--threads", "4"],
        "cart": [sys.executable, "manage.py", "grpcserve", "cart", "--port", str(grpc_port)],
    }  # fmt: skip
    started = {}
    try:
        for name, command in commands.items():
            with open(folder / f"{name}.log", "w") as log:
                started[name] = subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )
        # Start-up only (gunicorn and grpcserve setting Django up): room for a busy machine.
        wait_for_port(web_port, timeout=120)
        wait_for_port(grpc_port, timeout=120)
        yield {"web": f"http://127.0.0.1:{web_port}", "cart": f"127.0.0.1:{grpc_port}"}
    finally:
        for process in started.values():
            process.terminate()
        for process in started.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


class Web:
    def __init__(self, url: str):
        self.url = url

    def get(self, path: str):
        return requests.get(self.url + path, timeout=5)

    def ready(self) -> int:
        return self.get("/readyz").status_code


@pytest.fixture(scope="module")
def web(processes) -> Web:
    return Web(processes["web"])


@pytest.fixture(scope="module")
def cart_channel(processes) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(processes["cart"]) as channel:
        yield channel


def cart_health(channel: grpc.Channel) -> set[int]:
    """The one status every name that follows the dependencies reports."""
    return {health_status(channel, name) for name in CART_NAMES}


@pytest.mark.slow
def test_the_web_and_grpcserve_are_ready_when_everything_answers(web, cart_channel):
    eventually(web.ready, 200)
    body = web.get("/readyz").json()
    assert body["status"] == "ready"
    expected = ["broker", "database:default", "redis:default", "redis:sessions"]
    assert sorted(body["checks"]) == expected
    assert failing(body) == []
    assert cart_health(cart_channel) == {SERVING}
    assert health_status(cart_channel, LIVENESS) == SERVING


@pytest.mark.slow
def test_a_stopped_database_takes_both_out_and_back(web, cart_channel, postgres):
    eventually(web.ready, 200)
    postgres.halt()
    try:
        response, took = timed_get(web)
        assert took < ANSWER_WITHIN
        assert response.status_code == 503
        assert failing(response.json()) == ["database:default"]
        eventually(lambda: cart_health(cart_channel), {NOT_SERVING})
        # Liveness asks neither the database nor /readyz's checks.
        assert health_status(cart_channel, LIVENESS) == SERVING
        assert web.get("/_healthz").status_code == 200
    finally:
        postgres.start()
    eventually(web.ready, 200)
    eventually(lambda: cart_health(cart_channel), {SERVING})


@pytest.mark.slow
def test_a_stopped_redis_takes_both_out_and_back(web, cart_channel, own_redis):
    eventually(web.ready, 200)
    own_redis.halt()
    try:
        response, took = timed_get(web)
        assert took < ANSWER_WITHIN
        assert response.status_code == 503
        # The broker is the same Redis here.
        assert failing(response.json()) == ["broker", "redis:default", "redis:sessions"]
        eventually(lambda: cart_health(cart_channel), {NOT_SERVING})
        assert health_status(cart_channel, LIVENESS) == SERVING
    finally:
        own_redis.start()
    eventually(web.ready, 200)
    eventually(lambda: cart_health(cart_channel), {SERVING})


@pytest.mark.slow
def test_a_hung_broker_and_redis_answer_503_within_two_seconds(web, own_redis):
    eventually(web.ready, 200)
    os.kill(own_redis.process.pid, signal.SIGSTOP)
    try:
        response, took = timed_get(web)
        assert took < ANSWER_WITHIN
        assert response.status_code == 503
        assert failing(response.json()) == ["broker", "redis:default", "redis:sessions"]
    finally:
        os.kill(own_redis.process.pid, signal.SIGCONT)
    eventually(web.ready, 200)
