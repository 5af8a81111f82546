"""One request id per request, carried to every process the request reaches.

The web takes it from the X-Request-ID header when well-formed, or makes one, and returns it in
the response; a gRPC call carries it in the `x-request-id` metadata, a Celery task in its
`request_id` header (the gRPC interceptors are in requestid_grpc.py, loaded only with grpc).
Wherever it arrives it is bound to a context variable for the duration of the request, call or
task, and the log filter (shop/observability/logs.py) writes it on every line.
Each entry point also logs one line when done: the web's request (logger `shop.http`: method,
route, status), an RPC (`shop.grpc`: rpc, code), a task (`shop.task`: task, outcome), each with
its duration_ms.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar, Token

from celery import signals

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"  # the header as WSGI names it
METADATA_KEY = "x-request-id"
TASK_HEADER = "request_id"
# Taken from outside, so it is bounded and harmless in a log line or a header.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,128}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)

http_log = logging.getLogger("shop.http")
grpc_log = logging.getLogger("shop.grpc")
task_log = logging.getLogger("shop.task")


def current() -> str | None:
    """The id of the request this code runs for, if any."""
    return _current.get()


def bind(request_id: str) -> Token:
    """Makes `request_id` the current id until `unbind` with the answered token."""
    return _current.set(request_id)


def unbind(token: Token) -> None:
    _current.reset(token)


def accept(candidate: str | None) -> str:
    """`candidate` when it is a well-formed id, else a new one."""
    if candidate and _WELL_FORMED.fullmatch(candidate):
        return candidate
    return uuid.uuid4().hex


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


class RequestIdMiddleware:
    """First in MIDDLEWARE, so the id covers everything the request does, and the duration
    everything the other middleware does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # META, not request.headers: that would build a dict of every header on each request.
        request_id = accept(request.META.get(META_KEY))
        request.request_id = request_id
        token = _current.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            if not http_log.isEnabledFor(logging.INFO):
                return response  # LOG_LEVEL above INFO: nothing to measure or format
            # The URL pattern, not the path: paths carry ids, and the query string (never
            # logged) carries order access tokens.
            match = request.resolver_match
            route = "/" + match.route if match else None
            duration_ms = elapsed_ms(started)
            http_log.info(
                "%s %s %s %.1fms", request.method, route or "(no route)", response.status_code,
                duration_ms,
                extra={"method": request.method, "route": route,
                       "status": response.status_code, "duration_ms": duration_ms},
            )  # fmt: skip
            return response
        finally:
            _current.reset(token)


# Celery: the id travels in the task's headers; the worker binds it around the task. A task that
# runs eagerly (the embedded shop) keeps the id of the request that queued it.
_running: dict[str, tuple[Token, float]] = {}


def _on_publish(headers: dict | None = None, **_: object) -> None:
    request_id = current()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def _on_task_start(task_id: str, task, **_: object) -> None:
    request_id = accept(task.request.get(TASK_HEADER) or current())
    _running[task_id] = (_current.set(request_id), time.perf_counter())


def _on_task_end(task_id: str, task, state: str | None = None, **_: object) -> None:
    token, started = _running.pop(task_id, (None, None))
    if token is None:
        return
    duration_ms = elapsed_ms(started)
    task_log.info(
        "%s %s %.1fms", task.name, state, duration_ms,
        extra={"task": task.name, "outcome": state, "duration_ms": duration_ms},
    )  # fmt: skip
    _current.reset(token)


def connect_celery_signals() -> None:
    """Called once per process (ShopConfig.ready): web, grpcserve and workers all queue tasks."""
    signals.before_task_publish.connect(_on_publish, weak=False, dispatch_uid=__name__)
    signals.task_prerun.connect(_on_task_start, weak=False, dispatch_uid=__name__)
    signals.task_postrun.connect(_on_task_end, weak=False, dispatch_uid=__name__)
