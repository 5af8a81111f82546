"""Serves the gRPC shims of the named services (all when none are named) on one port."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shop.observability import metrics
from shop.observability.service import service_name, set_default
from shop.observability.tracing import setup_tracing
from shop.rpc.server import HealthMonitor, build_server

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Serve the hipstershop gRPC services, with health checking and reflection."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "services", nargs="*", help=f"any of: {', '.join(settings.GRPC_SERVICES)}"
        )
        parser.add_argument("--port", type=int, default=50051)
        parser.add_argument("--host", default="127.0.0.1", help="use 0.0.0.0 inside a container")
        parser.add_argument("--workers", type=int, default=16)

    def handle(self, *args, services, port, host, workers, **options) -> None:
        names = services or list(settings.GRPC_SERVICES)
        set_default("+".join(names))
        # Before the server is built: the gRPC instrumentation wraps grpc.server.
        setup_tracing(service_name())
        try:
            server, bound, health = build_server(
                names, address=f"{host}:{port}", max_workers=workers
            )
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        # NOT_SERVING while a dependency of the served apps (database, Redis) is down.
        monitor = HealthMonitor(health, names)
        monitor.start()
        if settings.METRICS_PORT:
            metrics.serve(settings.METRICS_PORT, settings.METRICS_HOST)
        server.start()
        logger.info("serving %s on %s:%s", ", ".join(names), host, bound)
        stopped = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopped.set())
        stopped.wait()
        monitor.stop()
        # Report NOT_SERVING first so load balancers drain, then finish in-flight calls.
        health.enter_graceful_shutdown()
        server.stop(grace=5).wait()
