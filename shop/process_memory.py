"""The C allocator's share of a gunicorn worker's memory (docs/decisions.md, "A worker without
the test tools"): Python hands objects larger than 512 bytes (page bodies, query results, big
dicts) to glibc's malloc, which gives each thread that allocates concurrently an arena of its
own, up to eight per core, and keeps freed memory inside them.

Both functions are glibc's and do nothing elsewhere (musl, macOS): they return whether they acted.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

# glibc's <malloc.h>: the most arenas malloc creates for the process.
_M_ARENA_MAX = -8


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def limit_malloc_arenas(arenas: int) -> bool:
    """At most `arenas` malloc arenas, for a process about to start its threads: the threads then
    share them, and the memory one frees serves the next instead of sitting in an arena of its
    own. The same as MALLOC_ARENA_MAX, which glibc reads only when the process starts."""
    libc = _libc()
    return libc is not None and libc.mallopt(_M_ARENA_MAX, arenas) == 1


def release_free_memory() -> bool:
    """Gives the free pages inside malloc's heap back to the system: for gunicorn's master before
    it forks, so that no worker starts with what loading the shop allocated and freed (compiling
    modules without bytecode caches frees several MiB) counted in its memory."""
    libc = _libc()
    return libc is not None and libc.malloc_trim(0) in (0, 1)
