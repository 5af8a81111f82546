"""Several server processes on one port (`grpcserve --workers N`).

A Python process runs one thread of Python at a time, so one gRPC server uses one core however
many threads it has. Each worker is a process of its own with a server bound to the same port
with SO_REUSEPORT; the kernel spreads the clients' connections over them. The workers are forked
before any of them creates gRPC objects (gRPC's core does not survive a fork it did not expect)
and with no database connection open (a forked connection would be shared by two processes).

The parent only supervises: it forwards SIGTERM/SIGINT to the workers and waits for them; when a
worker dies on its own it stops the others and exits with an error, so the orchestrator restarts
the whole server rather than leave it serving at a fraction of its capacity.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable

from django.db import connections

logger = logging.getLogger(__name__)


def run_workers(count: int, serve: Callable[[], None]) -> int:
    """Forks `count` processes that each run `serve()` (which returns when told to stop by
    SIGTERM/SIGINT), supervises them, and returns the exit status for the parent."""
    connections.close_all()
    children = {_fork(serve) for _ in range(count)}
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    while children:
        pid, wait_status = os.wait()
        children.discard(pid)
        code = os.waitstatus_to_exitcode(wait_status)
        if not stopping:
            logger.error("gRPC worker %s exited (%s): stopping the others", pid, code)
            status = 1
            stop()
    return status


def _fork(serve: Callable[[], None]) -> int:
    pid = os.fork()
    if pid:
        return pid
    # The child: default signal handlers (serve installs its own), serve, and never return into
    # the parent's code.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    code = 0
    try:
        serve()
    except BaseException:
        logger.exception("gRPC worker %s failed", os.getpid())
        code = 1
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _signal(pid: int, signum: int) -> None:
    # A worker that has exited already is collected by os.wait.
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)
