"""gunicorn reads this file from its working directory (the repository root, or /app in the
image), so every way the web is started (make run, the image, the test and load stacks) gets it.

Logging: gunicorn's own lines go through the shop's logging (settings.LOGGING, JSON by default).
It keeps no access log: the shop's middleware logs each request with its route instead of its
raw path, and never the query string, where order access tokens travel.

Prometheus multiprocess mode (with PROMETHEUS_MULTIPROC_DIR set; without it the hooks do
nothing): each worker writes its samples to files in that directory and /metrics adds up every
worker's; the master empties the directory before the first fork (a restarted container may find
its predecessor's files there) and drops a dead worker's live gauges.

Memory (docs/decisions.md, "Gunicorn preloads the shop"): the master imports the shop once and
forks its workers, which share those pages copy-on-write instead of each importing its own copy.
Not when tracing is on: OpenTelemetry's exporter opens a gRPC channel and a thread at
setup_tracing, and neither survives a fork, so each worker then loads the shop (and tracing) itself.
The C allocator (docs/decisions.md, "A worker without the test tools"): the master gives its free
heap back before forking, each worker's threads share two malloc arenas, and a worker gives back
what its threads freed at most once a second.
"""

import gc
import logging
import os
import shutil
import time

from prometheus_client import multiprocess

from shop.process_memory import limit_malloc_arenas, release_free_memory
from shop.settings import LOGGING, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SDK_DISABLED

logconfig_dict = LOGGING
logging.captureWarnings(True)
# No access log (docs/observability.md): not written, and not even formatted per request.
accesslog = None
logger_class = "shop.observability.gunicorn_logging.WithoutAccessLog"
preload_app = not (OTEL_EXPORTER_OTLP_ENDPOINT and not OTEL_SDK_DISABLED)

_METRICS_DIRECTORY = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

# The C allocator in each worker (shop/process_memory.py; measured in docs/decisions.md, "A worker
# without the test tools"). Python's own allocator serves objects up to 512 bytes; malloc the rest.
MALLOC_ARENAS = 2
RELEASE_FREE_MEMORY_SECONDS = 1.0
_released_at = 0.0


def on_starting(server) -> None:
    if _METRICS_DIRECTORY:
        shutil.rmtree(_METRICS_DIRECTORY, ignore_errors=True)
        os.makedirs(_METRICS_DIRECTORY, exist_ok=True)


def pre_fork(server, worker) -> None:
    # The master's objects move to a generation the collector never scans: a worker's collection
    # would otherwise write to every object it inherited, copying the pages it shares.
    gc.freeze()
    # What loading the shop allocated and freed (compiling modules without bytecode caches frees
    # several MiB) would otherwise be in every worker's memory from its first moment.
    release_free_memory()


def post_fork(server, worker) -> None:
    # Before the worker starts its threads: they share two malloc arenas instead of one each.
    limit_malloc_arenas(MALLOC_ARENAS)


def post_request(worker, req, environ, resp) -> None:
    # What the worker's threads freed goes back to the system, at most once a second: otherwise
    # malloc keeps it, and the worker's memory stays at the most it ever needed at once.
    global _released_at
    now = time.monotonic()
    if now - _released_at >= RELEASE_FREE_MEMORY_SECONDS:
        _released_at = now
        release_free_memory()


def child_exit(server, worker) -> None:
    if _METRICS_DIRECTORY:
        multiprocess.mark_process_dead(worker.pid, _METRICS_DIRECTORY)
