"""The gRPC server: `build_server`, used by `manage.py grpcserve` and the tests, serves the rpc
modules of the named apps, found by dotted name in settings.GRPC_SERVICES (the kernel imports no
app), with health checking and reflection; `HealthMonitor` keeps the health status in step with
the process's own dependencies."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Iterable
from concurrent import futures
from types import ModuleType

import grpc
from asgiref.local import Local
from django.conf import settings
from django.core.cache import caches
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from shop.observability import readiness
from shop.rpc.observed import ObservingRegistrar
from shop.rpc.pools import CallPools

logger = logging.getLogger(__name__)

# A health name of our own that stays SERVING while the process runs, whatever its dependencies:
# Kubernetes' liveness probe asks it, so an outage of the database never restarts the services.
LIVENESS = "liveness"


def service_module(app: str) -> ModuleType:
    """The app's rpc module: add_to_server(server) and SERVICE_NAMES, every gRPC service it adds
    (the original's first, then our extensions of the protocol), so health and reflection report
    them all; optionally DEPENDENCIES, the readiness checks its health follows (default: the
    database; shop/observability/readiness.py), and from_memory(), the methods
    ("/package.Service/Method") it answers from the process's memory (shop/rpc/pools.py)."""
    return importlib.import_module(settings.GRPC_SERVICES[app])


def service_modules() -> dict[str, ModuleType]:
    """App name -> its rpc module, for every app in settings.GRPC_SERVICES."""
    return {app: service_module(app) for app in settings.GRPC_SERVICES}


def connection_age_options() -> list[tuple[str, int]]:
    """Closes every connection after GRPC_MAX_CONNECTION_AGE_SECONDS, so clients reconnect and
    spread over a Service's replicas (settings.py says why)."""
    return [
        ("grpc.max_connection_age_ms", round(settings.GRPC_MAX_CONNECTION_AGE_SECONDS * 1000)),
        (
            "grpc.max_connection_age_grace_ms",
            round(settings.GRPC_MAX_CONNECTION_AGE_GRACE_SECONDS * 1000),
        ),
    ]


def check_apps(apps: Iterable[str]) -> None:
    """ValueError naming the apps that settings.GRPC_SERVICES does not know."""
    known = list(settings.GRPC_SERVICES)
    unknown = sorted(set(apps) - set(known))
    if unknown:
        raise ValueError(f"Unknown service(s) {', '.join(unknown)}; choose from {', '.join(known)}")


def keep_caches_per_thread() -> None:
    """gRPC runs every call in a fresh `contextvars.Context`, and Django keeps its cache objects
    (`caches`, `cache`) in an asgiref `Local` that, in a thread without an event loop, lives in
    a context variable: each call would build its caches and their Redis clients anew (a quarter
    of a `GetCart`'s time). Kept per thread instead, as a WSGI worker's threads keep them; Django
    replaces this same `Local` when a test changes CACHES (django.test.signals)."""
    caches._connections = Local(thread_critical=True)


def build_server(
    apps: Iterable[str], *, address: str, max_workers: int = 16, reuse_port: bool = False
) -> tuple[grpc.Server, int, health.HealthServicer]:
    """A ready-to-start server for the named apps (all when none are named) on `address`
    ("127.0.0.1:0" picks a free port); with `reuse_port`, other processes may serve the same
    port (shop/rpc/workers.py)."""
    apps = list(apps) or list(settings.GRPC_SERVICES)
    check_apps(apps)
    keep_caches_per_thread()
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers),
        options=[*connection_age_options(), ("grpc.so_reuseport", int(reuse_port))],
    )
    modules = [service_module(app) for app in apps]
    # The health check, the methods answered from memory and those of one round trip in small
    # pools of their own (shop/rpc/pools.py).
    pools = CallPools(
        _named(modules, "from_memory"), one_round_trip=_named(modules, "one_round_trip")
    )
    # Every unary method observed (request id, log line, metrics), wrapped once here rather
    # than by interceptors on every call (shop/rpc/observed.py).
    observing = ObservingRegistrar(server, pools.pool_for)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, observing)
    names = []
    for module in modules:
        module.add_to_server(observing)
        names.extend(module.SERVICE_NAMES)
    for name in [LIVENESS, "", *names]:
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        [
            *names,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ],
        server,
    )
    port = server.add_insecure_port(address)
    return server, port, health_servicer


def _named(modules: Iterable[ModuleType], kind: str) -> list[str]:
    """The methods the apps' rpc modules name by `kind` (`from_memory`, `one_round_trip`)."""
    return [method for module in modules for method in getattr(module, kind, tuple)()]


def served_names(apps: Iterable[str]) -> list[str]:
    """The health names whose status follows the dependencies: the server's ("") and every
    service of the apps."""
    return ["", *(name for app in apps for name in service_module(app).SERVICE_NAMES)]


def dependency_kinds(apps: Iterable[str]) -> set[str]:
    return {
        kind
        for app in apps
        for kind in getattr(service_module(app), "DEPENDENCIES", (readiness.DATABASE,))
    }


class HealthMonitor:
    """Checks the served apps' dependencies every GRPC_HEALTH_INTERVAL_SECONDS, in a daemon
    thread, and reports NOT_SERVING for "" and every served service while one is down, SERVING
    again once all answer. Graceful shutdown still wins: the servicer ignores `set` after it."""

    def __init__(self, health_servicer: health.HealthServicer, apps: Iterable[str]):
        apps = list(apps) or list(settings.GRPC_SERVICES)
        self.health = health_servicer
        self.names = served_names(apps)
        self.checks = readiness.dependency_checks(dependency_kinds(apps))
        self.serving: bool | None = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="grpc-health-monitor", daemon=True)

    def check(self) -> None:
        down = readiness.failing(readiness.run_checks(self.checks))
        serving = not down
        if serving == self.serving:
            return  # a Watch stream hears of changes only
        if down:
            reasons = "; ".join(f"{name}: {reason}" for name, reason in down.items())
            logger.warning("NOT_SERVING: %s", reasons)
        elif self.serving is not None:
            logger.info("SERVING again: every dependency answers")
        self.serving = serving
        status = health_pb2.HealthCheckResponse.SERVING
        if not serving:
            status = health_pb2.HealthCheckResponse.NOT_SERVING
        for name in self.names:
            self.health.set(name, status)

    def start(self) -> None:
        """Checks once before returning (so the first answer served is already right), then
        keeps checking in the background."""
        self.check()
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()

    def _loop(self) -> None:
        while not self.stopped.wait(settings.GRPC_HEALTH_INTERVAL_SECONDS):
            self.check()
