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
"""

import gc
import logging
import os
import shutil

from prometheus_client import multiprocess

from shop.settings import LOGGING, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SDK_DISABLED

logconfig_dict = LOGGING
logging.captureWarnings(True)
accesslog = None
preload_app = not (OTEL_EXPORTER_OTLP_ENDPOINT and not OTEL_SDK_DISABLED)

_METRICS_DIRECTORY = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server) -> None:
    if _METRICS_DIRECTORY:
        shutil.rmtree(_METRICS_DIRECTORY, ignore_errors=True)
        os.makedirs(_METRICS_DIRECTORY, exist_ok=True)


def pre_fork(server, worker) -> None:
    # The master's objects move to a generation the collector never scans: a worker's collection
    # would otherwise write to every object it inherited, copying the pages it shares.
    gc.freeze()


def child_exit(server, worker) -> None:
    if _METRICS_DIRECTORY:
        multiprocess.mark_process_dead(worker.pid, _METRICS_DIRECTORY)
