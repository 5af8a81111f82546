"""A module imported at its first use instead of when the module naming it loads.

Every client module names the protobuf messages and stubs its gRPC implementation sends, but
the embedded shop and a web calling its services in-process never make a gRPC call: through
`LazyModule`, grpc and the generated modules (about 15 MiB of every process, docs/decisions.md,
"What a gunicorn worker loads") load with the first remote call instead.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for the module `name`: the first attribute read imports it, later ones read it."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:
            # The import system's per-module lock makes racing threads share one import.
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
