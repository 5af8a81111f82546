"""Picks, per service, the local or the gRPC implementation of its client interface.

A service whose *_SERVICE_ADDR is set is called over gRPC at that address; otherwise in-process.
Clients are built once per process. Tests swap in fakes with `override`, never by patching
dotted paths.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

_instances: dict[str, Any] = {}
_overrides: dict[str, Any] = {}
_lock = threading.Lock()


def pick(service: str, *, local: Callable[[], T], remote: Callable[[str], T]) -> T:
    if service in _overrides:
        return _overrides[service]
    with _lock:
        client = _instances.get(service)
        if client is None:
            address = settings.SERVICE_ADDRS[service]
            client = remote(address) if address else local()
            _instances[service] = client
        return client


def reset() -> None:
    """Forget built clients (after settings change, e.g. in tests)."""
    with _lock:
        _instances.clear()


@contextmanager
def override(service: str, client: Any) -> Iterator[Any]:
    previous = _overrides.get(service)
    _overrides[service] = client
    try:
        yield client
    finally:
        if previous is None:
            _overrides.pop(service, None)
        else:
            _overrides[service] = previous
