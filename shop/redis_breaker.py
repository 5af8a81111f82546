"""A circuit breaker around every Redis call of the cache, the sessions and the raw clients.

django-redis builds its clients from `REDIS_CLIENT_CLASS`; settings name `GuardedRedis` there, so
the cache, the sessions, the cart store, the ad counters and the throttles all go through it
(`get_redis_connection` hands out the same client). Each command, pipeline or script call is one
guarded call. After `REDIS_BREAKER_FAILURES` consecutive connection errors or timeouts the breaker
of that Redis server opens: for `REDIS_BREAKER_COOLDOWN_SECONDS` every call fails at once with
`RedisUnavailable` (a `redis.ConnectionError`, so every caller's existing handling applies: the
cache misses, the cart answers 503) instead of waiting out its own socket timeout. Then one call
at a time probes the server: an answer closes the breaker, a failure opens it again.

The breaker is the `circuitbreaker` library's (docs/decisions.md says why not pybreaker): it keeps
no lock across a call, so a hung Redis never queues healthy calls behind a stuck one. The single
probe while half-open is ours: the library lets every caller through then.

Breakers are per process and per server (host and port, or socket path), shared by the threads.
Celery's broker connections (kombu) and the readiness probe do not use this client: they report
and retry on their own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import NoReturn, TypeVar

import redis
from circuitbreaker import STATE_CLOSED, STATE_HALF_OPEN, STATE_OPEN, CircuitBreaker
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from redis.client import Pipeline

from shop.observability.metrics import CIRCUIT_BREAKER_OPEN, REDIS_CALLS_SKIPPED

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A connection error or a timeout says the server is unreachable or hung; any other error (a
# wrong type, a script error) is an answer, and counts as the server being healthy.
FAILURES = (redis.ConnectionError, redis.TimeoutError)


class RedisUnavailable(redis.ConnectionError):
    """The call was not made: the breaker of this Redis server is open."""

    skipped_by_breaker = True  # read by the cache's error counter (observability.metrics)


class ServerBreaker:
    """The breaker of one Redis server, with the one-probe-at-a-time rule of half-open."""

    def __init__(self, server: str, *, failures: int, cooldown: float):
        if failures < 1 or cooldown <= 0:
            # The library would silently take its own defaults (5 failures, 30 s) for 0.
            raise ImproperlyConfigured(
                "REDIS_BREAKER_FAILURES must be at least 1 and REDIS_BREAKER_COOLDOWN_SECONDS "
                "above 0."
            )
        self.server = server
        self.cooldown = cooldown
        self.breaker = CircuitBreaker(
            failure_threshold=failures,
            recovery_timeout=cooldown,
            expected_exception=FAILURES,
            name=f"redis {server}",
        )
        self._probe = threading.Lock()
        self._gauge = CIRCUIT_BREAKER_OPEN.labels("redis")

    def call(self, function: Callable[..., T], *args, **kwargs) -> T:
        state = self.breaker.state
        if state == STATE_HALF_OPEN:
            if not self._probe.acquire(blocking=False):
                self._skip()
            try:
                return self._observed(function, *args, **kwargs)
            finally:
                self._probe.release()
        if self.breaker.opened:
            self._skip()
        return self._observed(function, *args, **kwargs)

    def _observed(self, function: Callable[..., T], *args, **kwargs) -> T:
        before = self.breaker.state
        try:
            # No lock is held here: the library only counts the outcome.
            return self.breaker.call(function, *args, **kwargs)
        except FAILURES as error:
            if self.breaker.opened and before != STATE_OPEN:
                self._gauge.set(1)
                logger.warning(
                    "Redis %s failed %s time(s) in a row (%s): its calls are skipped for %ss",
                    self.server,
                    self.breaker.failure_count,
                    error,
                    self.cooldown,
                )
            raise
        finally:
            if self.breaker.closed and before != STATE_CLOSED:
                self._gauge.set(0)
                logger.info("Redis %s answers again: its circuit breaker closed", self.server)

    def _skip(self) -> NoReturn:
        REDIS_CALLS_SKIPPED.inc()
        raise RedisUnavailable(
            f"Redis {self.server} is not answering; calls are skipped for a short while."
        )


_breakers: dict[str, ServerBreaker] = {}
_breakers_lock = threading.Lock()


def server_breaker(server: str) -> ServerBreaker:
    found = _breakers.get(server)
    if found is None:
        with _breakers_lock:
            found = _breakers.get(server)
            if found is None:
                found = ServerBreaker(
                    server,
                    failures=settings.REDIS_BREAKER_FAILURES,
                    cooldown=settings.REDIS_BREAKER_COOLDOWN_SECONDS,
                )
                _breakers[server] = found
    return found


def reset_breakers() -> None:
    """Forget every breaker (tests; the next call builds them from the settings again)."""
    with _breakers_lock:
        _breakers.clear()


def server_of(pool: redis.ConnectionPool) -> str:
    kwargs = pool.connection_kwargs
    if "path" in kwargs:
        return kwargs["path"]
    return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}"


class GuardedRedis(redis.Redis):
    """redis.Redis whose commands and pipelines go through the server's breaker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.server = server_of(self.connection_pool)

    def execute_command(self, *args, **options):
        return server_breaker(self.server).call(super().execute_command, *args, **options)

    def pipeline(self, transaction: bool = True, shard_hint=None) -> GuardedPipeline:
        pipe = GuardedPipeline(
            self.connection_pool, self.response_callbacks, transaction, shard_hint
        )
        pipe.server = self.server
        return pipe


class GuardedPipeline(Pipeline):
    """A pipeline sends its queued commands in `execute` (and at once while WATCHing)."""

    server: str

    def execute(self, raise_on_error: bool = True):
        return server_breaker(self.server).call(super().execute, raise_on_error)

    def immediate_execute_command(self, *args, **options):
        return server_breaker(self.server).call(super().immediate_execute_command, *args, **options)
