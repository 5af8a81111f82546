"""Readiness: can this process do its work now? `/readyz` (the web) and the gRPC health monitor
(grpcserve) ask the same checks: a `SELECT 1` on every database alias, a PING on every Redis
cache alias, and a connection to the Celery broker when tasks go to one.

Each check opens its own short-lived connection with a short socket timeout, in a thread of its
own, so a hung dependency neither blocks the others nor queues behind the application's pools;
the caller waits READINESS_TIMEOUT_SECONDS for all of them together. A check still running from
an earlier round is awaited again rather than started twice, so a dependency that hangs holds at
most one thread per check. Liveness (`/_healthz`, shop/health.py) asks none of this.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, wait
from dataclasses import dataclass

import redis
from celery import current_app
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.utils.log import log_response
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_redis import get_redis_connection
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

DATABASE, REDIS, BROKER = "database", "redis", "broker"
KINDS = (DATABASE, REDIS, BROKER)
REASON_LIMIT = 200
# user:password@ in any URL an error message might quote.
CREDENTIALS = re.compile(r"(?<=://)[^/@\s]*@")


@dataclass(frozen=True)
class Result:
    ok: bool
    reason: str = ""
    ms: float | None = None

    def as_json(self) -> dict:
        body: dict = {"status": "ok" if self.ok else "failing"}
        if self.reason:
            body["reason"] = self.reason
        if self.ms is not None:
            body["ms"] = self.ms
        return body


def socket_timeout() -> float:
    """Connect and one command each fit in the overall wait."""
    return settings.READINESS_TIMEOUT_SECONDS / 2


def check_database(alias: str) -> None:
    connection = connections[alias]  # this thread's own connection, closed below
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def check_redis(alias: str) -> None:
    """PING with the cache's connection settings (host, database, password, TLS), a short
    timeout and no retry: redis-py would otherwise retry a refused connection."""
    pool = get_redis_connection(alias).connection_pool
    timeout = socket_timeout()
    kwargs = {**pool.connection_kwargs, "socket_timeout": timeout}
    kwargs |= {"socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 0)}
    probe = redis.ConnectionPool(connection_class=pool.connection_class, **kwargs)
    try:
        redis.Redis(connection_pool=probe).ping()
    finally:
        probe.disconnect()


def check_broker() -> None:
    timeout = socket_timeout()
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    with current_app.connection_for_write(transport_options=options) as connection:
        connection.connect_timeout = timeout  # the app's broker_connection_timeout would win
        connection.ensure_connection(max_retries=0)


def redis_aliases() -> list[str]:
    return [
        alias
        for alias, cache in settings.CACHES.items()
        if cache["BACKEND"].startswith("django_redis.")
    ]


def uses_broker() -> bool:
    return not current_app.conf.task_always_eager


def dependency_checks(kinds: Iterable[str] = KINDS) -> dict[str, Callable[[], None]]:
    """The checks of the named kinds this process's settings call for, by name
    ("database:default", "redis:sessions", "broker")."""
    kinds = set(kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown readiness check(s) {', '.join(sorted(unknown))}")
    checks: dict[str, Callable[[], None]] = {}
    if DATABASE in kinds:
        for alias in settings.DATABASES:
            checks[f"{DATABASE}:{alias}"] = lambda alias=alias: check_database(alias)
    if REDIS in kinds:
        for alias in redis_aliases():
            checks[f"{REDIS}:{alias}"] = lambda alias=alias: check_redis(alias)
    if BROKER in kinds and uses_broker():
        checks[BROKER] = check_broker
    return checks


_running: dict[str, Future] = {}
_running_lock = threading.Lock()


def _timed(check: Callable[[], None], future: Future) -> None:
    started = time.monotonic()
    try:
        check()
    except Exception as exc:  # any failure of a dependency is a reason, never a crash
        future.set_exception(exc)
    else:
        future.set_result(round((time.monotonic() - started) * 1000, 1))


def _start(name: str, check: Callable[[], None]) -> Future:
    with _running_lock:
        future = _running.get(name)
        if future is None or future.done():
            future = _running[name] = Future()
            thread = threading.Thread(
                target=_timed, args=(check, future), name=f"readiness-{name}", daemon=True
            )
            thread.start()
        return future


def reason_for(exc: BaseException) -> str:
    message = str(exc).splitlines()[0] if str(exc) else ""
    reason = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return CREDENTIALS.sub("***@", reason)[:REASON_LIMIT]


def run_checks(checks: dict[str, Callable[[], None]]) -> dict[str, Result]:
    """Runs the checks concurrently; a check without an answer within READINESS_TIMEOUT_SECONDS
    fails with that reason."""
    timeout = settings.READINESS_TIMEOUT_SECONDS
    futures = {name: _start(name, check) for name, check in checks.items()}
    wait(futures.values(), timeout=timeout)
    results = {}
    for name, future in futures.items():
        if not future.done():
            results[name] = Result(False, f"no answer within {timeout:g} s")
        elif future.exception() is not None:
            results[name] = Result(False, reason_for(future.exception()))
        else:
            results[name] = Result(True, ms=future.result())
    return results


def failing(results: dict[str, Result]) -> dict[str, str]:
    return {name: result.reason for name, result in results.items() if not result.ok}


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers, else 503 naming the failing ones (JSON either way)."""
    results = run_checks(dependency_checks())
    down = failing(results)
    body = {
        "status": "unavailable" if down else "ready",
        "checks": {name: result.as_json() for name, result in results.items()},
    }
    response = JsonResponse(body, status=503 if down else 200)
    if down:
        # One warning with the reasons, instead of Django's reason-less ERROR for every 503 of
        # every probe during an outage.
        reasons = "; ".join(f"{name}: {reason}" for name, reason in down.items())
        log_response(
            "Not ready: %s",
            reasons,
            response=response,
            request=request,
            logger=logger,
            level="warning",
        )
    return response
