"""The C allocator's settings of a gunicorn worker (shop/process_memory.py, gunicorn.conf.py):
arenas limited in each worker before its threads start, free heap given back by the master before
it forks (docs/decisions.md, "A worker without the test tools")."""

from __future__ import annotations

import gc
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from shop import process_memory

ROOT = Path(__file__).resolve().parents[2]

# Four threads allocate through malloc (Python hands blocks over 512 bytes to it) at the same
# time, then glibc's malloc_info lists the arenas, one <heap nr=...> each.
COUNT_ARENAS = """
import ctypes, os, sys, tempfile, threading
from shop.process_memory import limit_malloc_arenas
if sys.argv[1] != "default":
    assert limit_malloc_arenas(int(sys.argv[1]))
start = threading.Barrier(4)
def allocate():
    start.wait()
    blocks = [bytearray(4096) for _ in range(200)]
threads = [threading.Thread(target=allocate) for _ in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
libc = ctypes.CDLL(None)
libc.fdopen.restype = ctypes.c_void_p
with tempfile.TemporaryFile() as report:
    stream = libc.fdopen(os.dup(report.fileno()), b"w")
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    report.seek(0)
    print(report.read().decode().count("<heap nr="))
"""


def arenas_after_four_threads(limit: str) -> int:
    counted = subprocess.run(
        [sys.executable, "-c", COUNT_ARENAS, limit], cwd=ROOT, capture_output=True, text=True,
        check=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    return int(counted.stdout)


needs_glibc = pytest.mark.skipif(
    process_memory._libc() is None, reason="malloc arenas and malloc_trim are glibc's"
)


@needs_glibc
def test_threads_share_the_arenas_a_worker_is_limited_to():
    assert arenas_after_four_threads("default") > 2
    assert arenas_after_four_threads("2") <= 2
    assert arenas_after_four_threads("1") == 1


@needs_glibc
def test_the_free_heap_goes_back_to_the_system():
    assert process_memory.release_free_memory() is True


def test_without_glibc_nothing_is_done(monkeypatch):
    monkeypatch.setattr(process_memory, "_libc", lambda: None)
    assert process_memory.limit_malloc_arenas(2) is False
    assert process_memory.release_free_memory() is False


def gunicorn_hooks(monkeypatch) -> dict:
    """gunicorn.conf.py's globals, as its hooks see them (run_path returns a copy)."""
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ENV_FILE", os.devnull)
    monkeypatch.chdir(ROOT)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["pre_fork"].__globals__


def test_gunicorn_limits_each_workers_arenas_and_the_master_releases_before_forking(monkeypatch):
    hooks = gunicorn_hooks(monkeypatch)
    calls = []
    monkeypatch.setitem(hooks, "limit_malloc_arenas", lambda n: calls.append(("arenas", n)))
    monkeypatch.setitem(hooks, "release_free_memory", lambda: calls.append(("release",)))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(("freeze",)))
    hooks["pre_fork"](server=None, worker=None)
    hooks["post_fork"](server=None, worker=None)
    assert calls == [("freeze",), ("release",), ("arenas", hooks["MALLOC_ARENAS"])]


def test_a_worker_gives_back_what_its_threads_freed_at_most_once_a_second(monkeypatch):
    hooks = gunicorn_hooks(monkeypatch)
    released = []
    monkeypatch.setitem(hooks, "release_free_memory", lambda: released.append(True))
    clock = [1000.0]
    monkeypatch.setattr(hooks["time"], "monotonic", lambda: clock[0])

    def requests_served(count: int) -> None:
        for _ in range(count):
            hooks["post_request"](worker=None, req=None, environ={}, resp=None)

    requests_served(5)
    assert len(released) == 1
    clock[0] += hooks["RELEASE_FREE_MEMORY_SECONDS"]
    requests_served(5)
    assert len(released) == 2
