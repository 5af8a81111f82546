"""gunicorn's configuration hooks for Prometheus multiprocess mode, used by `make run`, the image
and the test stacks (`gunicorn --config python:shop.gunicorn_conf ...`). Every other setting
stays on the command line. Without PROMETHEUS_MULTIPROC_DIR the hooks do nothing.

Each worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR and /metrics adds up every
worker's; the master empties the directory before the first fork (a restarted container may
find its predecessor's files there) and drops a dead worker's live gauges.
"""

import os as _os
import shutil as _shutil

from prometheus_client import multiprocess as _multiprocess

_DIRECTORY = _os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server) -> None:
    if _DIRECTORY:
        _shutil.rmtree(_DIRECTORY, ignore_errors=True)
        _os.makedirs(_DIRECTORY, exist_ok=True)


def child_exit(server, worker) -> None:
    if _DIRECTORY:
        _multiprocess.mark_process_dead(worker.pid, _DIRECTORY)
