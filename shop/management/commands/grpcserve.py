"""Serves the gRPC shims of the named services (all when none are named) on one port, from one
process or from `--workers` processes sharing it (shop/rpc/workers.py)."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shop.observability import metrics
from shop.observability.service import service_name, set_default
from shop.observability.tracing import setup_tracing
from shop.rpc.server import HealthMonitor, build_server, check_apps
from shop.rpc.workers import run_workers

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Serve the hipstershop gRPC services, with health checking and reflection."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "services", nargs="*", help=f"any of: {', '.join(settings.GRPC_SERVICES)}"
        )
        parser.add_argument("--port", type=int, default=50051)
        parser.add_argument("--host", default="127.0.0.1", help="use 0.0.0.0 inside a container")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="server processes sharing the port (SO_REUSEPORT): one per core to use",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=16,
            help="threads per process for the calls that wait on a dependency and for streams "
            "(the health check, the calls answered from memory and a Charge have small pools "
            "of their own: shop/rpc/pools.py)",
        )

    def handle(self, *args, services, port, host, workers, threads, **options) -> None:
        names = services or list(settings.GRPC_SERVICES)
        try:
            check_apps(names)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads take a number of at least 1.")
        if workers > 1 and port == 0:
            raise CommandError("--workers above 1 needs a --port to share (not 0).")
        if workers > 1 and settings.METRICS_PORT and not metrics.MULTIPROC_DIR:
            raise CommandError(
                "--workers above 1 with METRICS_PORT needs PROMETHEUS_MULTIPROC_DIR, where the "
                "workers' metrics add up."
            )
        set_default("+".join(names))
        if settings.METRICS_PORT:
            metrics.serve(settings.METRICS_PORT, settings.METRICS_HOST)

        def serve() -> None:
            self.serve(names, address=f"{host}:{port}", threads=threads, shared=workers > 1)

        if workers == 1:
            serve()
        else:
            logger.info("starting %d gRPC workers on %s:%s", workers, host, port)
            if run_workers(workers, serve):
                raise CommandError("A gRPC worker exited unexpectedly.")

    def serve(self, names: list[str], *, address: str, threads: int, shared: bool) -> None:
        """One server process: serves until SIGTERM/SIGINT, then drains."""
        # Before the server is built: the gRPC instrumentation wraps grpc.server.
        setup_tracing(service_name())
        try:
            server, bound, health = build_server(
                names, address=address, max_workers=threads, reuse_port=shared
            )
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        # NOT_SERVING while a dependency of the served apps (database, Redis) is down.
        monitor = HealthMonitor(health, names)
        monitor.start()
        server.start()
        logger.info("serving %s on %s (port %s)", ", ".join(names), address, bound)
        wait_for_stop()
        monitor.stop()
        # Report NOT_SERVING first so load balancers drain, then finish in-flight calls.
        health.enter_graceful_shutdown()
        server.stop(grace=5).wait()


def wait_for_stop() -> None:
    """Returns once SIGTERM or SIGINT has arrived. The kernel may deliver the signal to any
    thread (gRPC's, the pools'); Python then only flags its handler to run in the main thread at
    the next bytecode, which a main thread blocked in a plain `Event.wait()` never reaches: the
    process would ignore SIGTERM (seen once in make test). So the wait wakes up twice a second."""
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    while not stopped.wait(timeout=0.5):
        pass
