"""The gRPC server: `build_server`, used by `manage.py grpcserve` and the tests, serves the rpc
modules of the named apps, found by dotted name in settings.GRPC_SERVICES (the kernel imports no
app), with health checking and reflection."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from concurrent import futures
from types import ModuleType

import grpc
from django.conf import settings
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from shop.observability.metrics_grpc import ServerMetricsInterceptor


def service_module(app: str) -> ModuleType:
    """The app's rpc module: add_to_server(server) and SERVICE_NAMES, every gRPC service it adds
    (the original's first, then our extensions of the protocol), so health and reflection report
    them all."""
    return importlib.import_module(settings.GRPC_SERVICES[app])


def service_modules() -> dict[str, ModuleType]:
    """App name -> its rpc module, for every app in settings.GRPC_SERVICES."""
    return {app: service_module(app) for app in settings.GRPC_SERVICES}


def build_server(
    apps: Iterable[str], *, address: str, max_workers: int = 16
) -> tuple[grpc.Server, int, health.HealthServicer]:
    """A ready-to-start server for the named apps (all when none are named) on `address`
    ("127.0.0.1:0" picks a free port)."""
    known = list(settings.GRPC_SERVICES)
    apps = list(apps) or known
    unknown = sorted(set(apps) - set(known))
    if unknown:
        raise ValueError(f"Unknown service(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers),
        interceptors=[
            ServerMetricsInterceptor(),
        ],
    )
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = []
    for app in apps:
        module = service_module(app)
        module.add_to_server(server)
        names.extend(module.SERVICE_NAMES)
    for name in ["", *names]:
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
