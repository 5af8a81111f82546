"""gRPC metrics: a client interceptor (shop/rpc/client.py channel_for) that counts and times every
unary call by service, method and status code; the server does the same for every unary method
it serves (shop/rpc/observed.py). Streaming calls (health Watch, reflection) are not measured: a
stream has no one duration, and the shop's own services are all unary."""

from __future__ import annotations

import time

import grpc

from shop.observability.metrics import (
    GRPC_CLIENT_DURATION,
    GRPC_CLIENT_HANDLED,
)


def split_method(full_method: str) -> tuple[str, str]:
    """Splits "/hipstershop.PaymentService/Charge" into its service and method."""
    service, _, method = full_method.lstrip("/").rpartition("/")
    return service, method


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
