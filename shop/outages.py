"""A dependency that does not answer is an outage, not a bug: the one mapping of those errors.

The database refusing or dropping connections (`OperationalError`, `InterfaceError`) and Redis
not answering (connection errors, timeouts, an open breaker) become a `ServiceUnavailable`: the
storefront's 503 page, the API's 503 problem and gRPC's UNAVAILABLE, each with the hint to retry
after RETRY_AFTER_SECONDS. Any other error stays a 500 / INTERNAL: it is a bug to fix, not a
dependency to wait for. Recovery needs no restart: Django checks a reused database connection
before a request uses it (CONN_HEALTH_CHECKS; a gRPC call, unless its thread's check passed less
than a second ago: shop/rpc/connection_hygiene.py) and redis-py reconnects on the next call.
"""

from __future__ import annotations

import json

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django_redis.exceptions import ConnectionInterrupted

from shop.errors import ServiceUnavailable, ShopError

# Long enough for a breaker's cool-down or a database failover to pass, short enough that a
# retrying client sees the shop back soon.
RETRY_AFTER_SECONDS = 5
PROBLEM_CONTENT_TYPE = "application/problem+json"


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"
    default_message = "The shop cannot reach its database right now. Please try again in a moment."


class StoreUnavailable(ServiceUnavailable):
    code = "store_unavailable"
    default_message = "Part of the shop is temporarily unavailable. Please try again in a moment."


def outage(error: BaseException) -> ServiceUnavailable | None:
    """The ServiceUnavailable that `error` amounts to, or None when it is no outage."""
    if isinstance(error, ServiceUnavailable):
        return error
    if isinstance(error, OperationalError | InterfaceError):
        return DatabaseUnavailable()
    if isinstance(error, redis.ConnectionError | redis.TimeoutError | ConnectionInterrupted):
        return StoreUnavailable()
    return None


def retry_after_seconds(error: ShopError) -> int | None:
    """When the same request may succeed: what the error says, else RETRY_AFTER_SECONDS for an
    outage (it clears by itself), else never (None)."""
    return error.retry_after or (RETRY_AFTER_SECONDS if error.kind == "unavailable" else None)


def retry_after(response: HttpResponse, seconds: int | None = RETRY_AFTER_SECONDS) -> HttpResponse:
    """Tells the client when to try again (RFC 9110 Retry-After, in seconds), if ever."""
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def problem(error: ShopError) -> HttpResponse:
    """The API's problem+json for an outage met outside a DRF view (e.g. in a middleware)."""
    body = {
        "type": f"https://boutique.example/problems/{error.code}",
        "title": error.spec.title,
        "status": error.spec.http_status,
        "detail": error.message,
        "code": error.code,
    }
    response = HttpResponse(
        json.dumps(body), status=error.spec.http_status, content_type=PROBLEM_CONTENT_TYPE
    )
    return retry_after(response)
