"""What the server observes of each unary call — the caller's request id bound for the call, one
log line, the call counted and timed by service, method and code — wrapped around each method's
handler once, when the server registers it.

They were two `grpc.ServerInterceptor`s, which gRPC runs on every call, in the thread that polls
for calls, before handing the call to a pool thread: each built two new method handlers per call
and went through gRPC's interceptor pipeline, work the one polling thread did for every call of
the process. The handlers here are built once per method; per call only the observation itself
runs, in the pool thread with the method. Streams (the health service's Watch, reflection) pass
as they are: a stream has no one duration, and the shop's own services are all unary.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent import futures

import grpc

from shop.observability.metrics import GRPC_SERVER_DURATION, GRPC_SERVER_HANDLED
from shop.observability.metrics_grpc import split_method
from shop.observability.requestid import METADATA_KEY, accept, bind, grpc_log, unbind

OK = grpc.StatusCode.OK
UNKNOWN = grpc.StatusCode.UNKNOWN


def incoming_request_id(metadata: Iterable[tuple[str, str]] | None) -> str | None:
    for key, value in metadata or ():
        if key == METADATA_KEY:
            return value
    return None


def observed_handler(
    full_method: str,
    handler: grpc.RpcMethodHandler | None,
    pool: futures.ThreadPoolExecutor | None = None,
) -> grpc.RpcMethodHandler | None:
    """`handler` (of "/package.Service/Method") observed; streams and None as they are. With
    `pool`, gRPC runs the method's calls in that pool rather than the server's (shop/rpc/pools.py
    says which and why)."""
    if handler is None or handler.request_streaming or handler.response_streaming:
        return handler
    service, method = split_method(full_method)
    duration = GRPC_SERVER_DURATION.labels(service, method)
    # The counter of each code, made on its first call (a series appears once it counts): the
    # metric's labels() takes a lock and builds its key on every call otherwise.
    handled: dict[grpc.StatusCode, object] = {}
    behavior = handler.unary_unary

    def observed(request, context: grpc.ServicerContext):
        token = bind(accept(incoming_request_id(context.invocation_metadata())))
        started = time.perf_counter()
        failed = True
        try:
            response = behavior(request, context)
            failed = False
            return response
        finally:
            # An aborted call has its code set; anything else raised becomes UNKNOWN.
            code = context.code() or (UNKNOWN if failed else OK)
            seconds = time.perf_counter() - started
            counter = handled.get(code)
            if counter is None:
                counter = handled[code] = GRPC_SERVER_HANDLED.labels(service, method, code.name)
            counter.inc()
            duration.observe(seconds)
            duration_ms = round(seconds * 1000, 1)
            grpc_log.info(
                "%s %s %.1fms", full_method, code.name, duration_ms,
                extra={"rpc": full_method, "code": code.name, "duration_ms": duration_ms},
            )  # fmt: skip
            unbind(token)

    if pool is not None:
        # The attribute gRPC's synchronous server looks for on a method's behaviour.
        observed.experimental_thread_pool = pool
    return grpc.unary_unary_rpc_method_handler(
        observed,
        request_deserializer=handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )


class _ObservedGenericHandler(grpc.GenericRpcHandler):
    """A generic handler (the path of a method gRPC did not register) whose unary handlers are
    observed, each wrapped the first time it is asked for."""

    def __init__(self, inner: grpc.GenericRpcHandler):
        self._inner = inner
        # method -> (the inner handler, it observed): a handler that changes is wrapped anew.
        self._observed: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    def service_name(self) -> str:
        return self._inner.service_name()

    def service(self, handler_call_details):
        handler = self._inner.service(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        known = self._observed.get(method)
        if known is None or known[0] is not handler:
            known = (handler, observed_handler(method, handler))
            self._observed[method] = known
        return known[1]


class ObservingRegistrar:
    """Stands in for the `grpc.Server` given to the generated `add_..._to_server` functions (and
    reflection's): registers every handler observed. `pool_for(full_method)`: the thread pool
    of a registered method's calls, None for the server's."""

    def __init__(
        self,
        server: grpc.Server,
        pool_for: Callable[[str], futures.ThreadPoolExecutor | None] = lambda _method: None,
    ):
        self.server = server
        self.pool_for = pool_for

    def add_registered_method_handlers(self, service_name: str, method_handlers: dict) -> None:
        self.server.add_registered_method_handlers(
            service_name,
            {
                name: observed_handler(
                    f"/{service_name}/{name}", handler, self.pool_for(f"/{service_name}/{name}")
                )
                for name, handler in method_handlers.items()
            },
        )

    def add_generic_rpc_handlers(self, generic_rpc_handlers) -> None:
        self.server.add_generic_rpc_handlers(
            tuple(_ObservedGenericHandler(handler) for handler in generic_rpc_handlers)
        )
