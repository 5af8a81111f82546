"""Probes for the Celery processes, which listen on no port: each keeps a file in the temporary
directory (/tmp, an emptyDir in Kubernetes) whose presence and age the kubelet's exec probes read
(deploy/k8s/base/celery-worker.yaml, celery-beat.yaml; docs/observability.md, Health).

- worker: `celery-worker.ready` exists from `worker_ready` (connected to the broker, consuming)
  until shutdown: startup and readiness. `celery-worker.alive` is touched every ALIVE_SECONDS by
  the worker's own timer, which runs in its event loop, so a stuck consumer stops touching it:
  liveness.
- beat: `celery-beat.alive` is touched on every tick of the scheduler, at most
  CELERY_BEAT_MAX_LOOP_INTERVAL seconds apart: all three probes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from celery import bootsteps
from celery.beat import PersistentScheduler
from celery.signals import worker_ready, worker_shutdown

WORKER_READY = "celery-worker.ready"
WORKER_ALIVE = "celery-worker.alive"
BEAT_ALIVE = "celery-beat.alive"
ALIVE_SECONDS = 10.0


def probe_file(name: str) -> Path:
    return Path(tempfile.gettempdir()) / name


def touch(name: str) -> None:
    probe_file(name).touch()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Added to the worker's blueprint in shop/celery.py."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        # /tmp outlives a restarted container in its pod: a file the previous one left must not
        # make this one look started.
        probe_file(WORKER_READY).unlink(missing_ok=True)
        self.timer_entry = None

    def start(self, worker) -> None:
        touch(WORKER_ALIVE)
        self.timer_entry = worker.timer.call_repeatedly(ALIVE_SECONDS, touch, (WORKER_ALIVE,))

    def stop(self, worker) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
        probe_file(WORKER_ALIVE).unlink(missing_ok=True)


@worker_ready.connect
def _worker_ready(**_kwargs) -> None:
    touch(WORKER_READY)


@worker_shutdown.connect
def _worker_shutdown(**_kwargs) -> None:
    probe_file(WORKER_READY).unlink(missing_ok=True)


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's default scheduler (the schedule file) that also touches BEAT_ALIVE on every
    tick; settings.CELERY_BEAT_SCHEDULER names it."""

    def tick(self, *args, **kwargs):
        touch(BEAT_ALIVE)
        return super().tick(*args, **kwargs)
