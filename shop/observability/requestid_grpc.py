"""The request id across gRPC (shop/observability/requestid.py): the server binds the caller's id
for each call and logs one line per call, the client sends the current id with every call. Apart
from requestid.py so that a process making no gRPC call does not load grpc."""

from __future__ import annotations

import collections
import time

import grpc

from shop.observability.requestid import (
    METADATA_KEY,
    accept,
    bind,
    current,
    elapsed_ms,
    grpc_log,
    unbind,
)


class ServerInterceptor(grpc.ServerInterceptor):
    """Binds the caller's id (or a new one) for each unary call and logs one line per call. Every
    shop RPC is unary; streams (the health service's Watch, reflection) pass as they are."""

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        incoming = dict(handler_call_details.invocation_metadata or ()).get(METADATA_KEY)
        rpc = handler_call_details.method
        behavior = handler.unary_unary

        def observed(request, context: grpc.ServicerContext):
            token = bind(accept(incoming))
            started = time.perf_counter()
            failed = True
            try:
                response = behavior(request, context)
                failed = False
                return response
            finally:
                # An aborted call has its code set; anything else raised becomes UNKNOWN.
                code = context.code() or (grpc.StatusCode.UNKNOWN if failed else grpc.StatusCode.OK)
                duration_ms = elapsed_ms(started)
                grpc_log.info(
                    "%s %s %.1fms", rpc, code.name, duration_ms,
                    extra={"rpc": rpc, "code": code.name, "duration_ms": duration_ms},
                )  # fmt: skip
                unbind(token)

        return grpc.unary_unary_rpc_method_handler(
            observed,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


class _CallDetails(
    collections.namedtuple(
        "_CallDetails",
        ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression"),
    ),
    grpc.ClientCallDetails,
):
    pass


class ClientInterceptor(grpc.UnaryUnaryClientInterceptor):
    """Sends the current id with every remote call."""

    def intercept_unary_unary(self, continuation, client_call_details, request):
        request_id = current()
        if request_id:
            details = client_call_details
            client_call_details = _CallDetails(
                details.method,
                details.timeout,
                [*(details.metadata or ()), (METADATA_KEY, request_id)],
                details.credentials,
                details.wait_for_ready,
                details.compression,
            )
        return continuation(client_call_details, request)
