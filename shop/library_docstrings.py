"""Libraries' docstrings left out of a gunicorn process's memory.

A web worker imports about a thousand modules of Django, redis-py, Celery, psycopg and the
standard library, and every function's, class's and module's docstring stays in memory (a
function's as the first of its code's constants, a class's twice: in its __dict__ and copied for
its C type): about 3 MiB of every worker's RSS, which nothing in a web process reads
(docs/decisions.md, "Worker memory (fourth pass)"). Python's own `-OO` drops them, but with
every `assert`, and the shop's own docstrings, which drf-spectacular turns into the API schema's
descriptions.

Here, in a gunicorn process only, modules loaded from source in site-packages or the standard
library lose their docstrings as they load: a function's first constant becomes None, which is
what a function without a docstring has; the constant a class or module body stores as __doc__
becomes None, which is what one without a docstring stores. So `__doc__` is None, and nothing
else changes: the bytecode, line numbers and asserts stay. Where the bytecode uses that constant
otherwise (`def f(): "x"; return "x"` shares one constant) or the code names __doc__ otherwise
(`__doc__ += ...`, a method reading `self.__doc__`, a function the module's), it is kept. The
shop's own modules, and the bytecode caches on disk, are left as they are.
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
from opcode import hasname, opmap
from types import CodeType

_STANDARD_LIBRARY = os.path.dirname(os.__file__) + os.sep


def without_docstrings(code: CodeType) -> CodeType:
    """`code` with the docstring of every function and class in it (nested ones too), and its
    own if it is a module's, replaced by None."""
    constants = code.co_consts
    stripped = [
        without_docstrings(constant) if isinstance(constant, CodeType) else constant
        for constant in constants
    ]
    if constants and isinstance(constants[0], str) and not _loads_constant(code, 0):
        stripped[0] = None
    stored = _stored_docstring(code)
    if stored is not None:
        stripped[stored] = None
    if all(new is old for new, old in zip(stripped, constants, strict=True)):
        return code
    return code.replace(co_consts=tuple(stripped))


# The bytecode is read by searching it for an instruction (two bytes: opcode, argument, at an
# even offset), not decoded (dis takes a second for a web's thousand modules). An argument above
# 255 needs an EXTENDED_ARG before it: such a constant or name is left alone (kept), and an
# EXTENDED_ARG before a matching instruction only makes it count as a use (kept too).
_CONSTANT_LOADS = (opmap["LOAD_CONST"], opmap["KW_NAMES"])
_STORE_NAME = opmap["STORE_NAME"]
_LOAD_GLOBAL = opmap["LOAD_GLOBAL"]  # its argument is the name's index times 2, plus a flag


def _uses(code: CodeType, opcode: int, argument: int) -> int:
    """How many instructions of `code` are `opcode` with `argument` (more where an EXTENDED_ARG
    precedes one: never fewer)."""
    bytecode, pattern, found, offset = code.co_code, bytes([opcode, argument]), 0, -1
    while (offset := bytecode.find(pattern, offset + 1)) != -1:
        found += offset % 2 == 0
    return found


def _loads_constant(code: CodeType, index: int) -> bool:
    return index > 255 or any(_uses(code, opcode, index) for opcode in _CONSTANT_LOADS)


def _doc_uses(code: CodeType) -> tuple[int, int]:
    """How many instructions of `code` store the name __doc__, and how many use it otherwise
    (read, delete, or as an attribute: `self.__doc__`)."""
    index = code.co_names.index("__doc__")
    if index > 127:  # LOAD_GLOBAL's argument would need an EXTENDED_ARG: counted as a use
        return 0, 1
    stores = _uses(code, _STORE_NAME, index)
    others = sum(
        _uses(code, opcode, index)
        for opcode in hasname
        if opcode not in (_STORE_NAME, _LOAD_GLOBAL)
    )
    others += _uses(code, _LOAD_GLOBAL, 2 * index) + _uses(code, _LOAD_GLOBAL, 2 * index + 1)
    return stores, others


def _stored_docstring(code: CodeType) -> int | None:
    """The index of the constant a module's or class's body stores as its __doc__, when that is
    all it does with it: the constant is loaded once, and nothing in the body or in the code
    nested in it (a method reading `self.__doc__`, a function the module's) names __doc__
    otherwise. A module's or class's docstring is the first thing its body stores."""
    if "__doc__" not in code.co_names or _nested_code_reads_doc(code):
        return None
    stores, others = _doc_uses(code)
    if stores != 1 or others:
        return None
    bytecode, store = code.co_code, bytes([_STORE_NAME, code.co_names.index("__doc__")])
    offset = bytecode.find(store)
    while offset % 2:  # the one store at an even offset is there (counted above)
        offset = bytecode.find(store, offset + 1)
    if offset < 4 or bytecode[offset - 4] == opmap["EXTENDED_ARG"]:
        return None
    loaded, constant = bytecode[offset - 2], bytecode[offset - 1]
    if loaded != _CONSTANT_LOADS[0]:
        return None
    if not isinstance(code.co_consts[constant], str):
        return None
    loads = sum(_uses(code, opcode, constant) for opcode in _CONSTANT_LOADS)
    return constant if loads == 1 else None


def _nested_code_reads_doc(code: CodeType) -> bool:
    """Whether code nested in `code` names __doc__ other than to store its own (a class body's
    docstring)."""
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            if "__doc__" in constant.co_names and _doc_uses(constant)[1]:
                return True
            if _nested_code_reads_doc(constant):
                return True
    return False


def is_library(path: str) -> bool:
    return (
        f"{os.sep}site-packages{os.sep}" in path
        or f"{os.sep}dist-packages{os.sep}" in path
        or path.startswith(_STANDARD_LIBRARY)
    )


class LibraryLoader(SourceFileLoader):
    """Loads a module from source (or its bytecode cache) as usual; a library's without its
    docstrings."""

    def get_code(self, fullname: str) -> CodeType | None:
        code = super().get_code(fullname)
        if code is None or not is_library(self.path):
            return code
        return without_docstrings(code)


def _path_hook():
    # The default finder's loaders, in its order, with LibraryLoader for source files.
    return FileFinder.path_hook(
        (ExtensionFileLoader, EXTENSION_SUFFIXES),
        (LibraryLoader, SOURCE_SUFFIXES),
        (SourcelessFileLoader, BYTECODE_SUFFIXES),
    )


def drop_library_docstrings() -> None:
    """From now on in this process, libraries' modules load without their docstrings (those
    already imported keep theirs)."""
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
