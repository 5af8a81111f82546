"""The Celery worker and beat serve no port, so their Kubernetes probes read files they keep fresh
(shop/observability/celery_probes.py). A real worker and a real beat on a real Redis broker; the
probes run are the exact commands of the manifests, pointed at the processes' temporary
directory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from shop.observability.celery_probes import ALIVE_SECONDS, BEAT_ALIVE, WORKER_ALIVE, WORKER_READY
from testing.servers import RedisServer

ROOT = Path(settings.BASE_DIR)
MANIFESTS = ROOT / "deploy" / "k8s" / "base"
PROBES = ("startupProbe", "readinessProbe", "livenessProbe")
# A Celery process starting (Django set up) on a busy two-core machine running other suites:
# 30 s was seen to run out. A bound on start-up only; the probes' own timing is unchanged.
STARTUP = 120


def probe_commands(manifest: str, folder: Path) -> dict[str, list[str]]:
    """The container's exec probes, with the image's /tmp replaced by `folder`."""
    (deployment,) = yaml.safe_load_all((MANIFESTS / manifest).read_text())
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return {
        probe: [part.replace("/tmp/", f"{folder}/") for part in container[probe]["exec"]["command"]]
        for probe in PROBES
    }


def passes(command: list[str]) -> bool:
    return subprocess.run(command, capture_output=True, timeout=10, check=False).returncode == 0


def eventually(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not after {timeout}s"
        time.sleep(0.1)


def backdate(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def celery_env(tmp_path) -> Iterator[tuple[dict[str, str], Path, RedisServer]]:
    redis_server = RedisServer()
    folder = tmp_path / "tmp"
    folder.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    env |= {
        "SECRET_KEY": "celery-probes-test-only-" + "x" * 40,
        "DEBUG": "false",
        "ENV_FILE": os.devnull,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "REDIS_URL": redis_server.url,
        # Where tempfile, and so the probe files, go: /tmp in the image.
        "TMPDIR": str(folder),
    }
    yield env, folder, redis_server
    redis_server.stop()


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "w") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "shop", *args],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.slow
def test_the_worker_is_started_ready_and_alive_while_its_loop_runs(celery_env, tmp_path):
    env, folder, broker = celery_env
    probes = probe_commands("celery-worker.yaml", folder)
    # A worker that cannot reach its broker is not started, even with the file a previous
    # container left in the pod's /tmp.
    (folder / WORKER_READY).touch()
    broker.halt()
    worker = start(["worker", "--pool", "solo", "--loglevel", "INFO"], env, tmp_path / "w.log")
    try:
        eventually(lambda: not passes(probes["startupProbe"]), STARTUP, "stale ready file removed")
        time.sleep(1)
        assert not passes(probes["readinessProbe"])
        broker.start()
        eventually(lambda: passes(probes["startupProbe"]), STARTUP, "worker started")
        assert passes(probes["readinessProbe"])
        assert passes(probes["livenessProbe"])
        # A file not touched for two minutes fails liveness; the running worker touches it again.
        backdate(folder / WORKER_ALIVE, 120)
        assert not passes(probes["livenessProbe"])
        eventually(lambda: passes(probes["livenessProbe"]), ALIVE_SECONDS + 5, "touched again")
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
        assert not passes(probes["readinessProbe"])
        assert not passes(probes["livenessProbe"])
    finally:
        stop(worker)


@pytest.mark.slow
def test_beat_is_alive_while_it_ticks(celery_env, tmp_path):
    env, folder, _broker = celery_env
    probes = probe_commands("celery-beat.yaml", folder)
    # Its own broker database: nothing consumes what it sends here.
    env = env | {"CELERY_BROKER_URL": env["REDIS_URL"].rsplit("/", 1)[0] + "/1"}
    args = ["beat", "--schedule", str(tmp_path / "schedule"), "--max-interval", "1"]
    beat = start(args, env, tmp_path / "beat.log")
    try:
        eventually(lambda: (folder / BEAT_ALIVE).exists(), STARTUP, "beat ticked")
        for probe in PROBES:
            assert passes(probes[probe]), probe
        backdate(folder / BEAT_ALIVE, 300)
        assert not passes(probes["livenessProbe"])
        eventually(lambda: passes(probes["livenessProbe"]), 5, "ticked again")
    finally:
        stop(beat)
