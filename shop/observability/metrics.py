"""Every Prometheus metric of the shop, defined once (docs/observability.md lists them).

Instrumentation lives next to what it measures: the web in `metrics_http.py`, gRPC in
`metrics_grpc.py`, Celery in `metrics_celery.py`; business events are counted by the app where
they happen, importing the objects below. A process exposes them on the web's /metrics or on its
own metrics port (`serve`).

Multiprocess mode: with PROMETHEUS_MULTIPROC_DIR set (gunicorn with several workers, a prefork
Celery worker) every process writes its samples to files in that directory and an exposition
adds them up. The variable must be set before prometheus_client is first imported, i.e. in the
environment of the process, never from Python.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import redis
from django.db import DatabaseError
from django_redis.exceptions import ConnectionInterrupted
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import multiprocess as _multiprocess
from prometheus_client import start_http_server as _start_http_server

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if MULTIPROC_DIR:
    # Samples are written to this directory as soon as an unlabelled metric is created below.
    Path(MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)

# --- technical --------------------------------------------------------------------------------

HTTP_REQUESTS = Counter(
    "boutique_http_requests_total",
    "HTTP requests answered by the web, by URL route (the pattern, never the raw path).",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "boutique_http_request_duration_seconds",
    "Time the web took to answer an HTTP request, middleware included.",
    ["method", "route"],
)
GRPC_SERVER_HANDLED = Counter(
    "boutique_grpc_server_handled_total",
    "Unary gRPC calls answered by this server, by service, method and status code.",
    ["grpc_service", "grpc_method", "grpc_code"],
)
GRPC_SERVER_DURATION = Histogram(
    "boutique_grpc_server_handling_seconds",
    "Time this server took to answer a unary gRPC call.",
    ["grpc_service", "grpc_method"],
)
GRPC_CLIENT_HANDLED = Counter(
    "boutique_grpc_client_handled_total",
    "Unary gRPC calls this process made to another service, by status code (retries inside one "
    "call's deadline are one call).",
    ["grpc_service", "grpc_method", "grpc_code"],
)
GRPC_CLIENT_DURATION = Histogram(
    "boutique_grpc_client_handling_seconds",
    "Time a unary gRPC call to another service took, retries included.",
    ["grpc_service", "grpc_method"],
)
CELERY_TASKS = Counter(
    "boutique_celery_tasks_total",
    "Celery task runs, by task name and outcome (success, failure, retry...).",
    ["task", "outcome"],
)
CELERY_TASK_DURATION = Histogram(
    "boutique_celery_task_duration_seconds",
    "Time one run of a Celery task took.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
DEPENDENCY_ERRORS = Counter(
    "boutique_dependency_errors_total",
    "Errors talking to the database or Redis that the shop caught, by dependency and the part "
    "that met them (cache, session, cart, ads, web, grpc).",
    ["dependency", "component"],
)
CIRCUIT_BREAKER_OPEN = Gauge(
    "boutique_circuit_breaker_open",
    "1 while the circuit breaker of an optional service (ads, recommendations) or of Redis "
    '(service="redis") is open or half-open in some process, else 0.',
    ["service"],
    multiprocess_mode="livemax",
)
REDIS_CALLS_SKIPPED = Counter(
    "boutique_redis_calls_skipped_total",
    "Redis calls not made because the Redis circuit breaker was open (each failed at once "
    "instead of waiting out a timeout).",
)

# --- business ---------------------------------------------------------------------------------

ORDERS_PLACED = Counter("boutique_orders_placed_total", "Orders paid and shipped.")
ORDERS_FAILED = Counter(
    "boutique_orders_failed_total",
    "Orders that failed, by the kind of error that stopped them (declined, invalid, "
    "unavailable, not_found, ...).",
    ["reason"],
)
REVENUE = Counter(
    "boutique_revenue_total",
    "Total of the orders placed (shipping included), in units of their currency.",
    ["currency"],
)
PAYMENT_DECLINES = Counter(
    "boutique_payment_declines_total",
    "Card charges the payment processor declined, by card brand.",
    ["brand"],
)
CARTS_CREATED = Counter(
    "boutique_carts_created_total", "Carts that received their first item (were empty before)."
)
CARTS_CONVERTED = Counter(
    "boutique_carts_converted_total", "Carts emptied by the order they became."
)
EMAILS = Counter(
    "boutique_emails_total",
    "E-mail delivery attempts, by outcome: sent, retried (failed, will be tried again), "
    "failed (given up).",
    ["outcome"],
)
EMAIL_BACKLOG = Gauge(
    "boutique_email_backlog",
    "E-mails recorded but not sent yet (queued or being sent), as last measured by the "
    "periodic sweep (notifications.tasks.emails_requeue_stale).",
    multiprocess_mode="mostrecent",
)
AD_IMPRESSIONS = Counter("boutique_ad_impressions_total", "Ads shown on a page.")
AD_CLICKS = Counter("boutique_ad_clicks_total", "Clicks on ads.")


# --- helpers ----------------------------------------------------------------------------------


def dependency_error_observe(error: BaseException, component: str) -> None:
    """Counts `error` in DEPENDENCY_ERRORS when it is a database or Redis error."""
    if isinstance(error, DatabaseError):
        DEPENDENCY_ERRORS.labels("database", component).inc()
    elif isinstance(error, redis.RedisError | ConnectionInterrupted):
        DEPENDENCY_ERRORS.labels("redis", component).inc()


class IgnoredCacheErrors(logging.Handler):
    """django-redis logs each Redis error it ignores (IGNORE_EXCEPTIONS, the cache alias that
    keeps pages up during an outage) to the logger named by DJANGO_REDIS_LOGGER; this handler
    on that logger counts them instead of logging a traceback per cache call."""

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        if getattr(getattr(error, "__cause__", None), "skipped_by_breaker", False):
            return  # counted in boutique_redis_calls_skipped_total (shop/redis_breaker.py)
        DEPENDENCY_ERRORS.labels("redis", "cache").inc()


def registry() -> CollectorRegistry:
    """What an exposition shows: every process's samples in multiprocess mode, else this
    process's (the default registry, with the process and Python collectors)."""
    if not MULTIPROC_DIR:
        return REGISTRY
    collected = CollectorRegistry()
    _multiprocess.MultiProcessCollector(collected, path=MULTIPROC_DIR)
    return collected


def forget_stale_files() -> None:
    """Removes the samples that earlier runs left in the multiprocess directory (a container
    restarted on the same volume); keeps this process's. Call it before forking any child."""
    if not MULTIPROC_DIR:
        return
    mine = f"_{os.getpid()}.db"
    for path in Path(MULTIPROC_DIR).glob("*.db"):
        if not path.name.endswith(mine):
            path.unlink(missing_ok=True)


def serve(port: int, host: str) -> None:
    """Serves /metrics on host:port from a daemon thread (grpcserve, the Celery worker)."""
    forget_stale_files()
    _start_http_server(port, addr=host, registry=registry())
    logging.getLogger(__name__).info("metrics on http://%s:%s/metrics", host, port)


def mark_process_dead(pid: int) -> None:
    """Drops a dead process's live gauges (gunicorn's child_exit, a Celery child's shutdown)."""
    if MULTIPROC_DIR:
        _multiprocess.mark_process_dead(pid, MULTIPROC_DIR)
