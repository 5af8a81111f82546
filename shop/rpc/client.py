"""The remote side of the service seam: one reused channel per address, deadlines on every call,
retries with exponential backoff and full jitter for idempotent calls, and gRPC statuses mapped
back to the same domain errors the local implementation raises."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any

import grpc
from django.conf import settings

from shop.errors import ServiceUnavailable
from shop.rpc.error_metadata import ERROR_CODE_KEY, error_from_metadata

logger = logging.getLogger(__name__)

RETRYABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}

_channels: dict[str, grpc.Channel] = {}
_channels_lock = threading.Lock()


def channel_for(address: str) -> grpc.Channel:
    """One channel per address and process: channels are expensive and multiplex calls."""
    with _channels_lock:
        channel = _channels.get(address)
        if channel is None:
            channel = grpc.insecure_channel(address)
            _channels[address] = channel
        return channel


def close_channels() -> None:
    with _channels_lock:
        for channel in _channels.values():
            channel.close()
        _channels.clear()


def backoff_delay(attempt: int, base: float = 0.05, cap: float = 1.0) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)]."""
    return random.uniform(0, min(cap, base * 2**attempt))


class RemoteClient:
    """Base of every gRPC client implementation; subclasses set `stub_class`."""

    stub_class: Callable[[grpc.Channel], Any]
    service_label: str = "service"

    def __init__(self, address: str, *, deadline: float | None = None, attempts: int | None = None):
        self.address = address
        self.deadline = deadline if deadline is not None else settings.GRPC_DEADLINE_SECONDS
        self.attempts = attempts if attempts is not None else settings.GRPC_RETRY_ATTEMPTS
        self.stub = self.stub_class(channel_for(address))

    def call(
        self,
        method: str,
        request: Any,
        *,
        idempotent: bool,
        deadline: float | None = None,
        metadata: tuple[tuple[str, str], ...] | None = None,
    ):
        rpc = getattr(self.stub, method)
        attempts = self.attempts if idempotent else 1
        for attempt in range(attempts):
            try:
                return rpc(request, timeout=deadline or self.deadline, metadata=metadata)
            except grpc.RpcError as exc:
                status = exc.code()
                if status in RETRYABLE and attempt + 1 < attempts:
                    time.sleep(backoff_delay(attempt))
                    continue
                raise self._domain_error(method, exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _domain_error(self, method: str, exc: grpc.RpcError) -> Exception:
        metadata = dict(exc.trailing_metadata() or ())
        # Transport failures carry no error code; their details are not for customers' eyes.
        error = None
        if ERROR_CODE_KEY in metadata or exc.code() not in RETRYABLE:
            error = error_from_metadata(exc.code(), exc.details() or "", metadata)
        if error is not None:
            return error
        logger.warning(
            "%s.%s at %s failed: %s", self.service_label, method, self.address, exc.code()
        )
        return ServiceUnavailable(f"The {self.service_label} service is not answering right now.")
