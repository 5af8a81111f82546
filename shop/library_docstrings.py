"""Libraries' function docstrings left out of a gunicorn process's memory.

A web worker imports about a thousand modules of Django, redis-py, Celery, psycopg and the
standard library, and every function's docstring stays in memory with its code (the first of
its code object's constants): about 2.3 MiB of every worker's RSS, which nothing in a web
process reads (docs/decisions.md, "Worker memory (fourth pass)"). Python's own `-OO` drops them,
but with every `assert` and every docstring of the shop's own code, which drf-spectacular turns
into the API schema's descriptions.

Here, in a gunicorn process only, modules loaded from source in site-packages or the standard
library get their functions' docstrings dropped as they load: the code object's first constant
becomes None, which is what a function without a docstring has, so `__doc__` is None and nothing
else changes (the bytecode, line numbers, asserts, class and module docstrings stay). A constant
the bytecode loads is never dropped (`def f(): "x"; return "x"` shares one constant). The shop's
own modules, and the bytecode caches on disk, are left as they are.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import (
    BYTECODE_SUFFIXES,
    EXTENSION_SUFFIXES,
    SOURCE_SUFFIXES,
    ExtensionFileLoader,
    FileFinder,
    SourceFileLoader,
    SourcelessFileLoader,
)
from opcode import opmap
from types import CodeType

# The instructions that name a constant by its index in Python 3.11 (KW_NAMES: a call's
# keyword names); the compiler emits no EXTENDED_ARG for index 0.
_LOADS_CONSTANT_0 = tuple(bytes([opmap[name], 0]) for name in ("LOAD_CONST", "KW_NAMES"))
_STANDARD_LIBRARY = os.path.dirname(os.__file__) + os.sep


def without_function_docstrings(code: CodeType) -> CodeType:
    """`code` with the docstring of every function in it (nested ones too) replaced by None."""
    constants = code.co_consts
    stripped = tuple(
        without_function_docstrings(constant) if isinstance(constant, CodeType) else constant
        for constant in constants
    )
    if constants and isinstance(constants[0], str) and not _loads_constant_0(code):
        stripped = (None, *stripped[1:])
    if all(new is old for new, old in zip(stripped, constants, strict=True)):
        return code
    return code.replace(co_consts=stripped)


def _loads_constant_0(code: CodeType) -> bool:
    """Whether the bytecode loads its first constant (a module's or class's docstring, stored as
    __doc__, or a literal a function shares with its docstring): instructions sit at even
    offsets."""
    bytecode = code.co_code
    for pattern in _LOADS_CONSTANT_0:
        offset = bytecode.find(pattern)
        while offset != -1:
            if offset % 2 == 0:
                return True
            offset = bytecode.find(pattern, offset + 1)
    return False


def is_library(path: str) -> bool:
    return (
        f"{os.sep}site-packages{os.sep}" in path
        or f"{os.sep}dist-packages{os.sep}" in path
        or path.startswith(_STANDARD_LIBRARY)
    )


class LibraryLoader(SourceFileLoader):
    """Loads a module from source (or its bytecode cache) as usual; a library's without its
    functions' docstrings."""

    def get_code(self, fullname: str) -> CodeType | None:
        code = super().get_code(fullname)
        if code is None or not is_library(self.path):
            return code
        return without_function_docstrings(code)


def _path_hook():
    # The default finder's loaders, in its order, with LibraryLoader for source files.
    return FileFinder.path_hook(
        (ExtensionFileLoader, EXTENSION_SUFFIXES),
        (LibraryLoader, SOURCE_SUFFIXES),
        (SourcelessFileLoader, BYTECODE_SUFFIXES),
    )


def drop_library_docstrings() -> None:
    """From now on in this process, libraries' modules load without their functions'
    docstrings (those already imported keep theirs)."""
    if any(getattr(hook, "drops_library_docstrings", False) for hook in sys.path_hooks):
        return
    hook = _path_hook()
    hook.drops_library_docstrings = True
    # Before the default file finder's hook (the last), after zipimport's.
    sys.path_hooks.insert(len(sys.path_hooks) - 1, hook)
    # Each directory already searched has its finder cached: built again with the hook.
    sys.path_importer_cache.clear()


def in_gunicorn() -> bool:
    """Whether this process is gunicorn's (its master, then its forked workers): it has loaded
    gunicorn's application machinery before the shop."""
    return "gunicorn.app.base" in sys.modules
