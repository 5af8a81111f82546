"""The gRPC server side: a Servicer base that gives every RPC Django's connection hygiene and the
error-kind mapping, and `build_server`, used by `manage.py grpcserve` and the tests."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from concurrent import futures
from types import ModuleType

import grpc
from django.conf import settings
from django.db import close_old_connections
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from shop.errors import ShopError
from shop.rpc.client import ERROR_CODE_METADATA_KEY

logger = logging.getLogger(__name__)


def _handle(method: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(self, request, context: grpc.ServicerContext):
        # Like a WSGI request: never reuse a connection the database has dropped or that has
        # outlived CONN_MAX_AGE, before and after the call.
        close_old_connections()
        try:
            return method(self, request, context)
        except ShopError as error:
            context.set_trailing_metadata(((ERROR_CODE_METADATA_KEY, error.code),))
            context.abort(error.spec.grpc_status, error.message)
        except Exception as exc:
            logger.exception("%s.%s failed", type(self).__name__, method.__name__)
            detail = repr(exc) if settings.DEBUG else type(exc).__name__
            context.abort(grpc.StatusCode.INTERNAL, f"Internal error ({detail}).")
        finally:
            close_old_connections()

    return wrapper


class Servicer:
    """Mix in before the generated `...Servicer`; wraps every RPC method (CamelCase names)."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if name[:1].isupper() and callable(value):
                setattr(cls, name, _handle(value))


def service_modules() -> dict[str, ModuleType]:
    """App name -> its rpc module. Each rpc module has add_to_server(server) and SERVICE_NAMES,
    every gRPC service it adds (the original's first, then our extensions of the protocol), so
    health and reflection report them all."""
    from ads import rpc as ads_rpc
    from cart import rpc as cart_rpc
    from catalog import rpc as catalog_rpc
    from checkout import rpc as checkout_rpc
    from currency import rpc as currency_rpc
    from notifications import rpc as notifications_rpc
    from payments import rpc as payments_rpc
    from recommendations import rpc as recommendations_rpc
    from shipping import rpc as shipping_rpc

    return {
        "catalog": catalog_rpc,
        "cart": cart_rpc,
        "currency": currency_rpc,
        "payments": payments_rpc,
        "shipping": shipping_rpc,
        "notifications": notifications_rpc,
        "checkout": checkout_rpc,
        "recommendations": recommendations_rpc,
        "ads": ads_rpc,
    }


def build_server(
    apps: Iterable[str], *, address: str, max_workers: int = 16
) -> tuple[grpc.Server, int, health.HealthServicer]:
    """A ready-to-start server for the named apps (all when none are named) on `address`
    ("127.0.0.1:0" picks a free port)."""
    modules = service_modules()
    apps = list(apps) or list(modules)
    unknown = sorted(set(apps) - set(modules))
    if unknown:
        raise ValueError(
            f"Unknown service(s) {', '.join(unknown)}; choose from {', '.join(modules)}"
        )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=max_workers))
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = []
    for app in apps:
        modules[app].add_to_server(server)
        names.extend(modules[app].SERVICE_NAMES)
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
