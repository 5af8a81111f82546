"""The request id across gRPC (shop/observability/requestid.py): the client sends the current id
with every call; the server binds the caller's id for each call and logs one line per call
(shop/rpc/observed.py). Apart from requestid.py so that a process making no gRPC call does not
load grpc."""

from __future__ import annotations

import collections

import grpc

from shop.observability.requestid import (
    METADATA_KEY,
    current,
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
