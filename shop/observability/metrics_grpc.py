"""gRPC metrics: a server interceptor (shop/rpc/server.py build_server) and a client interceptor
(shop/rpc/client.py channel_for) that count and time every unary call by service, method and
status code. Streaming calls (health Watch, reflection) are passed through unmeasured: a stream
has no one duration, and the shop's own services are all unary."""

from __future__ import annotations

import time

import grpc

from shop.observability.metrics import (
    GRPC_CLIENT_DURATION,
    GRPC_CLIENT_HANDLED,
    GRPC_SERVER_DURATION,
    GRPC_SERVER_HANDLED,
)


def split_method(full_method: str) -> tuple[str, str]:
    """Splits "/hipstershop.PaymentService/Charge" into its service and method."""
    service, _, method = full_method.lstrip("/").rpartition("/")
    return service, method


class ServerMetricsInterceptor(grpc.ServerInterceptor):
    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        # None: a method this server does not serve (nothing to label it with).
        if handler is None or handler.request_streaming or handler.response_streaming:
            return handler
        service, method = split_method(handler_call_details.method)
        behaviour = handler.unary_unary

        def measured(request, context):
            started = time.perf_counter()
            failed = False
            try:
                return behaviour(request, context)
            except BaseException:
                failed = True
                raise
            finally:
                # context.code() is what the servicer set (abort sets it too) or None: OK when it
                # returned, UNKNOWN when an exception escaped without a status.
                code = context.code() or (grpc.StatusCode.UNKNOWN if failed else grpc.StatusCode.OK)
                GRPC_SERVER_HANDLED.labels(service, method, code.name).inc()
                GRPC_SERVER_DURATION.labels(service, method).observe(time.perf_counter() - started)

        return grpc.unary_unary_rpc_method_handler(
            measured,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


class ClientMetricsInterceptor(grpc.UnaryUnaryClientInterceptor):
    def intercept_unary_unary(self, continuation, client_call_details, request):
        service, method = split_method(client_call_details.method)
        started = time.perf_counter()
        outcome = continuation(client_call_details, request)

        def done(call) -> None:
            GRPC_CLIENT_HANDLED.labels(service, method, call.code().name).inc()
            GRPC_CLIENT_DURATION.labels(service, method).observe(time.perf_counter() - started)

        # Called at once for a blocking call (the shop's way), on completion for a future.
        outcome.add_done_callback(done)
        return outcome
