"""Background work that meets an outage tries again later instead of being dropped.

A task that fails with one of TRANSIENT_ERRORS (a service, the database, Redis or the broker not
answering) is retried with full-jitter exponential backoff; any other error fails it as before
(a bug to fix, not a dependency to wait for). Only idempotent tasks use this: a retry may run
work that had partly happened.
"""

from __future__ import annotations

from typing import NoReturn

import kombu.exceptions
import redis
from django.db import InterfaceError, OperationalError

from shop.backoff import backoff_delay
from shop.errors import ServiceUnavailable

TRANSIENT_ERRORS = (
    ServiceUnavailable,
    OperationalError,
    InterfaceError,
    redis.ConnectionError,
    redis.TimeoutError,
    kombu.exceptions.OperationalError,
)


def retry_later(task, error: BaseException, *, base: float, cap: float) -> NoReturn:
    """Raises the task's retry, `base * 2**attempt` seconds at most (capped), or `error` itself
    when it runs eagerly (the embedded shop has no broker to wait on; the periodic sweeps and
    the next request try again) or has used its max_retries."""
    if task.request.is_eager:
        raise error
    raise task.retry(exc=error, countdown=backoff_delay(task.request.retries, base, cap))
