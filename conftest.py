"""Fixtures shared by every app's tests: real servers and the gRPC seam."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import grpc
import pytest
from django.core.cache import caches

from testing.servers import RedisServer

pytest_plugins = ["testing.fixtures"]


def pytest_collection_modifyitems(config, items):
    # The PostgreSQL suites run in their own pass (`make test` wraps it in a real cluster).
    on_postgres = bool(os.environ.get("TEST_POSTGRES"))
    selected = [item for item in items if ("postgres" in item.keywords) == on_postgres]
    deselected = [item for item in items if ("postgres" in item.keywords) != on_postgres]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _fresh_process_memory():
    """What a process remembers for a second or a minute (live ads, buffered impressions,
    storefront entries, rates and products: shop/memo.py) outlives a test's database."""
    from ads.services import forget_process_state
    from shop import memo
    from storefront.pagecache import forget_memory

    forget_process_state()
    forget_memory()
    memo.forget_memory()
    # The local-memory cache holds the API's throttle budgets too: a long suite would spend them.
    caches["default"].clear()
    yield
    forget_process_state()
    forget_memory()
    memo.forget_memory()


@pytest.fixture(autouse=True)
def _fresh_tracked_reads(monkeypatch):
    """Every test starts with nothing remembered of Redis reads (shop/redis_tracking.py), and the
    tracking connection is set up by the first lookup itself, not a thread, so what a test
    counts does not depend on when a thread ran."""
    from shop import redis_tracking

    monkeypatch.setattr(redis_tracking, "connect_in_background", False)
    redis_tracking.reset_tracked_reads()
    yield
    redis_tracking.reset_tracked_reads()


@pytest.fixture(autouse=True)
def _fresh_redis_breakers(settings):
    """Every test starts with closed Redis breakers (shop/redis_breaker.py). Tests that restart
    Redis expect their next call to reach it, so the cool-down is a millisecond unless a test of
    the breaker itself sets one (shop/tests/test_redis_breaker.py)."""
    from shop.redis_breaker import reset_breakers

    settings.REDIS_BREAKER_COOLDOWN_SECONDS = 0.001
    reset_breakers()
    yield
    reset_breakers()


@pytest.fixture(autouse=True)
def _fresh_clients():
    """Clients are built once per process from the settings a test may change."""
    from shop import registry

    registry.reset()
    yield
    registry.reset()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def grpc_server() -> Iterator[Callable[..., str]]:
    """Starts our gRPC server for the named apps in this process; returns its address."""
    from shop import registry
    from shop.rpc.client import close_channels
    from shop.rpc.server import build_server

    started: list[grpc.Server] = []

    def start(*apps: str) -> str:
        server, port, _health = build_server(apps, address="127.0.0.1:0", max_workers=8)
        server.start()
        started.append(server)
        return f"127.0.0.1:{port}"

    yield start
    for server in started:
        server.stop(grace=None)
    close_channels()
    registry.reset()
