"""The remote side of the service seam: one reused channel per address, one deadline per call
that covers its retries (which gRPC makes itself, for the methods of shop/rpc/retry.py), and gRPC
statuses mapped back to the same domain errors the local implementation raises.

grpc is imported by the first remote call, not with this module: every client module builds on
RemoteClient, and a process calling its services in-process never loads grpc (shop/rpc/lazy.py).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings

from shop.errors import NotSupported, ServiceUnavailable
from shop.rpc.error_metadata import ERROR_CODE_KEY, error_from_metadata
from shop.rpc.lazy import LazyModule
from shop.rpc.retry import channel_options

grpc = LazyModule("grpc")
reflection_pb2 = LazyModule("grpc_reflection.v1alpha.reflection_pb2")
reflection_pb2_grpc = LazyModule("grpc_reflection.v1alpha.reflection_pb2_grpc")

logger = logging.getLogger(__name__)

# Statuses of a call that did not get an answer from the service (not reached, or out of time).
TRANSPORT_FAILURES = {"UNAVAILABLE", "DEADLINE_EXCEEDED"}

_channels: dict[str, grpc.Channel] = {}
_channels_lock = threading.Lock()
# The services each address's server declared through reflection, learnt once per channel.
_offered: dict[str, frozenset[str]] = {}


def channel_for(address: str) -> grpc.Channel:
    """One channel per address and process: channels are expensive and multiplex calls. It
    carries the retry policy, so GRPC_RETRY_ATTEMPTS applies to channels opened after a change."""
    from shop.observability.metrics_grpc import ClientMetricsInterceptor
    from shop.observability.requestid_grpc import ClientInterceptor as RequestIdInterceptor

    with _channels_lock:
        channel = _channels.get(address)
        if channel is None:
            options = channel_options(settings.GRPC_RETRY_ATTEMPTS)
            channel = grpc.intercept_channel(
                grpc.insecure_channel(address, options=options),
                RequestIdInterceptor(),
                ClientMetricsInterceptor(),
            )
            _channels[address] = channel
        return channel


def close_channels() -> None:
    with _channels_lock:
        for channel in _channels.values():
            channel.close()
        _channels.clear()
        _offered.clear()


def services_offered(address: str, *, deadline: float) -> frozenset[str]:
    """The full names of the gRPC services the server at `address` declares through reflection,
    asked once per channel. Ours lists its boutique.* extensions; the original Online Boutique
    services have no reflection (UNIMPLEMENTED), so they offer nothing of ours. A server that
    does not answer now offers nothing now, and is asked again next time."""
    with _channels_lock:
        known = _offered.get(address)
    if known is not None:
        return known
    stub = reflection_pb2_grpc.ServerReflectionStub(channel_for(address))
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    try:
        responses = stub.ServerReflectionInfo(iter([request]), timeout=deadline)
        names = frozenset(
            service.name
            for response in responses
            for service in response.list_services_response.service
        )
    except grpc.RpcError as exc:
        if exc.code() != grpc.StatusCode.UNIMPLEMENTED:
            logger.warning("reflection at %s failed: %s", address, exc.code())
            return frozenset()
        names = frozenset()
    with _channels_lock:
        _offered[address] = names
    return names


class RemoteClient:
    """Base of every gRPC client implementation; subclasses name their stub: its generated
    module (a LazyModule, so that defining the client loads nothing) and its class name there."""

    stub_module: LazyModule
    stub_name: str
    service_label: str = "service"

    def __init__(self, address: str, *, deadline: float | None = None):
        self.address = address
        # The whole budget of a call, its retries included.
        self.deadline = deadline if deadline is not None else settings.GRPC_DEADLINE_SECONDS
        self.stub = getattr(self.stub_module, self.stub_name)(channel_for(address))

    def call(
        self,
        method: str,
        request: Any,
        *,
        deadline: float | None = None,
        metadata: tuple[tuple[str, str], ...] | None = None,
    ):
        rpc = getattr(self.stub, method)
        try:
            return rpc(request, timeout=deadline or self.deadline, metadata=metadata)
        except grpc.RpcError as exc:
            raise self._domain_error(method, exc) from exc

    def offers(self, service: str) -> bool:
        """Whether the server declares the gRPC service `service` (see services_offered)."""
        return service in services_offered(self.address, deadline=self.deadline)

    def _domain_error(self, method: str, exc: grpc.RpcError) -> Exception:
        metadata = dict(exc.trailing_metadata() or ())
        if exc.code() == grpc.StatusCode.UNIMPLEMENTED and ERROR_CODE_KEY not in metadata:
            # A server without our extension (the original's): staff must do this by hand.
            logger.warning("%s at %s does not offer %s", self.service_label, self.address, method)
            return NotSupported(f"The {self.service_label} service does not offer {method}.")
        # Transport failures carry no error code; their details are not for customers' eyes.
        error = None
        if ERROR_CODE_KEY in metadata or exc.code().name not in TRANSPORT_FAILURES:
            error = error_from_metadata(exc.code(), exc.details() or "", metadata)
        if error is not None:
            return error
        logger.warning(
            "%s.%s at %s failed: %s", self.service_label, method, self.address, exc.code()
        )
        return ServiceUnavailable(f"The {self.service_label} service is not answering right now.")
