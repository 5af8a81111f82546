"""Calls to optional services (ads, recommendations): a short deadline and a circuit breaker.

A page must render without an optional widget, fast, when its service fails or is slow.
`call_optional(service, call)` runs `call` in a small thread pool and waits at most the deadline
(an in-process call cannot be interrupted, but the page stops waiting for it); gRPC clients of
optional services are also built with that deadline (`optional_client_options`), which bounds
their retries too, so their worker thread is freed as soon as the page gives up. After
`failure_threshold` consecutive failures the service's breaker opens and calls are skipped for
`cooldown` seconds; then one probe call is let through: success closes the breaker, failure
opens it again.

Breakers are per service and per process, and thread-safe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent import futures
from typing import Any, TypeVar

from django.conf import settings
from django.db import close_old_connections

from shop.errors import ShopError
from shop.observability.metrics import CIRCUIT_BREAKER_OPEN

logger = logging.getLogger(__name__)

T = TypeVar("T")

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


def optional_deadline() -> float:
    return getattr(settings, "OPTIONAL_SERVICE_DEADLINE_SECONDS", 0.1)


def optional_client_options() -> dict[str, Any]:
    """Keyword arguments for the RemoteClient of an optional service: the page's short deadline."""
    return {"deadline": optional_deadline()}


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int,
        cooldown: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.name = name
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False
        self._gauge = CIRCUIT_BREAKER_OPEN.labels(name)
        self._gauge.set(0)

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return CLOSED
        if self._clock() - self._opened_at < self.cooldown:
            return OPEN
        return HALF_OPEN

    def allow(self) -> bool:
        """Whether to make the call now; in half-open state only one probe at a time."""
        with self._lock:
            state = self._state()
            if state == CLOSED:
                return True
            if state == HALF_OPEN and not self._probing:
                self._probing = True
                return True
            return False

    def succeeded(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                self._gauge.set(0)
            self._failures = 0
            self._opened_at = None
            self._probing = False

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._probing or self._failures >= self.failure_threshold:
                if self._opened_at is None or self._probing:
                    logger.warning(
                        "circuit breaker of %s opens for %ss after %s failure(s)",
                        self.name,
                        self.cooldown,
                        self._failures,
                    )
                    self._gauge.set(1)
                self._opened_at = self._clock()
            self._probing = False


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()
# Small on purpose: optional calls are short; a stuck call only holds one thread until its
# deadline (gRPC) or its end (in-process), and the breaker stops new ones after a few failures.
_pool = futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="optional-call")


def breaker(service: str) -> CircuitBreaker:
    with _breakers_lock:
        found = _breakers.get(service)
        if found is None:
            found = CircuitBreaker(
                service,
                failure_threshold=getattr(settings, "CIRCUIT_BREAKER_FAILURES", 5),
                cooldown=getattr(settings, "CIRCUIT_BREAKER_COOLDOWN_SECONDS", 30.0),
            )
            _breakers[service] = found
        return found


def reset_breakers() -> None:
    """Forget every breaker (tests; settings changes)."""
    with _breakers_lock:
        _breakers.clear()


def _run_in_worker(call: Callable[[], T]) -> T:
    # Pool threads are long-lived like a WSGI worker's: give them the same connection hygiene.
    close_old_connections()
    try:
        return call()
    finally:
        close_old_connections()


def call_optional(
    service: str, call: Callable[[], T], *, deadline: float | None = None
) -> T | None:
    """The result of `call`, or None when the service's breaker is open, the call raised, or it
    did not finish within the deadline. Never raises."""
    guard = breaker(service)
    if not guard.allow():
        return None
    future = _pool.submit(_run_in_worker, call)
    try:
        result = future.result(timeout=deadline if deadline is not None else optional_deadline())
    except futures.TimeoutError:
        future.cancel()
        logger.warning("optional service %s exceeded its deadline", service)
        guard.failed()
        return None
    except ShopError as error:
        if error.kind == "unavailable":
            guard.failed()
        else:
            # The service answered (e.g. refused an input): it is healthy, the widget is skipped.
            guard.succeeded()
        logger.warning("optional service %s failed: %s", service, error.message)
        return None
    except Exception:
        logger.exception("optional service %s failed", service)
        guard.failed()
        return None
    guard.succeeded()
    return result
