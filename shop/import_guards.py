"""Keeping a library's optional or test-only imports out of the processes that serve.

Some libraries import, as they load, modules that a serving process never runs: DRF, Celery and
kombu try the test tools' packages where installed (TEST_ONLY_OPTIONAL_IMPORTS), redis-py tries
OpenTelemetry's metrics API and SDK (for an integration of its own that stays off until
initialised, which the shop never does), drf-spectacular's helpers import DRF's test module (hence
django.test, unittest and jinja2) for the fake request of schema generation. Together they cost
about 10 MiB in every gunicorn worker (docs/decisions.md, "A worker without the test tools").
Others import at their top what only a rarely run function uses (Django's database operations
import sqlparse, for migrations' SQL scripts): a few hundred KiB more (docs/decisions.md, "Worker
memory (third pass)").

The guards here act only while the block runs, on modules not yet imported: afterwards the real
modules import as usual, so a test, the schema generator or anything else that needs them gets
them. A process that imported them before the block is left as it was.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

# Installed with the test and development tools (requirements/test.txt), never in the image, and
# imported by a library whenever it finds them: hidden from the shop's processes as they load, they
# behave there as in production. DRF's compat module: requests (its test client), pygments (its
# browsable API); Celery: greenlet (its thread identity, for the gevent and eventlet pools); kombu:
# msgpack (a serializer the shop does not accept) and brotli (a compression it does not use).
TEST_ONLY_OPTIONAL_IMPORTS = ("requests", "pygments", "greenlet", "msgpack", "brotli")


@contextlib.contextmanager
def hidden(*names: str) -> Iterator[None]:
    """Within the block, importing any of `names` (not yet imported) fails with ImportError, as
    if the package were not installed: a library's `try: import X except ImportError` takes its
    fallback."""
    hiding = [name for name in names if name not in sys.modules]
    for name in hiding:
        sys.modules[name] = None  # the import system's mark for "not importable"
    try:
        yield
    finally:
        for name in hiding:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


class _ImportedWhenCalled:
    """Stands for `module.name`, a class or function: a call imports the module and calls it."""

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        real = getattr(importlib.import_module(self._module), self._name)
        return real(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self._module}.{self._name}, imported when called>"


@contextlib.contextmanager
def imported_when_used(module: str, reexports_of: str | None = None) -> Iterator[None]:
    """Within the block, `import <module>` (not yet imported) gives a stand-in module: reading
    any of its attributes imports the real one and answers from it. For a library that imports a
    heavy module at the top as a whole (`import X`, then `X.name` inside a function it calls
    rarely); `from X import name` would import it at once.

    A package's stand-in lets its submodules import without its __init__. With `reexports_of`,
    one of them whose classes and functions the package's __init__ re-exports, one of those is
    answered from it without the rest of the package (`from click import ClickException`)."""

    def real_attribute(stand_in: ModuleType, name: str) -> Any:
        if reexports_of is not None:
            defined = getattr(importlib.import_module(reexports_of), name, None)
            if getattr(defined, "__module__", None) == reexports_of:
                return defined
        with _replacing:
            if sys.modules.get(module) is stand_in:  # read within the block: the real one now
                del sys.modules[module]
        # Outside the lock: the import system's lock per module makes racing threads share one
        # import (a second thread finds the first's module in sys.modules and waits for it).
        real = importlib.import_module(module)
        # A package's submodules imported through the stand-in are attributes of the stand-in
        # only: the real package gets them too, as if they had been imported through it.
        for attribute, value in vars(stand_in).items():
            if getattr(value, "__name__", None) == f"{module}.{attribute}":
                vars(real).setdefault(attribute, value)
        return getattr(real, name)

    with _standing_in(module, "until one of its names is read", real_attribute):
        yield


@contextlib.contextmanager
def deferred(module: str) -> Iterator[None]:
    """Within the block, `from <module> import name` (module not yet imported) gives a stand-in
    that imports the module at its first call: for a library that imports a heavy module at the
    top for one function it calls rarely."""

    def called_later(_: ModuleType, name: str) -> _ImportedWhenCalled:
        return _ImportedWhenCalled(module, name)

    with _standing_in(module, "until one of its names is called", called_later):
        yield


@contextlib.contextmanager
def _standing_in(
    module: str, until: str, attribute: Callable[[ModuleType, str], Any]
) -> Iterator[None]:
    """Within the block, a module not yet imported is a stand-in whose attributes are
    `attribute(stand_in, name)`; out of it, whatever the import system has then."""
    if module in sys.modules:
        yield
        return
    stand_in = ModuleType(module, f"Stands for {module} {until}.")
    package = _package_spec(module)
    if package is not None:
        # Its submodules import as usual, without its __init__ running (a library that imports
        # one submodule of a package whose __init__ imports all the others).
        stand_in.__spec__ = package
        stand_in.__path__ = package.submodule_search_locations

    def answer(name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__, __spec__ and the like
            raise AttributeError(name)
        return attribute(stand_in, name)

    stand_in.__getattr__ = answer  # type: ignore[method-assign]
    sys.modules[module] = stand_in
    try:
        yield
    finally:
        # A package one of whose submodules was imported through it stays: imported afresh, the
        # real package would not know that submodule (the stand-in hands it over when it loads).
        submodule_imported = package is not None and any(
            name.startswith(module + ".") for name in list(sys.modules)
        )
        if sys.modules.get(module) is stand_in and not submodule_imported:
            del sys.modules[module]


# Taken while a stand-in is swapped for the real module, never while importing.
_replacing = threading.Lock()


def _package_spec(module: str) -> importlib.machinery.ModuleSpec | None:
    """The spec of `module` if it is a package, found without importing it: its parent must be
    imported or not imported at all (then found on sys.path, without being imported either)."""
    parent, _, _ = module.rpartition(".")
    search = None
    if parent:
        parent_module = sys.modules.get(parent)
        if parent_module is not None:
            search = getattr(parent_module, "__path__", None)
        else:
            parent_spec = _package_spec(parent)
            search = parent_spec and parent_spec.submodule_search_locations
        if search is None:
            return None
    spec = importlib.machinery.PathFinder.find_spec(module, search)
    if spec is None or spec.submodule_search_locations is None:
        return None
    return spec
