"""A Celery worker lowers its own CPU priority at start (shop/worker_priority.py), by the
WORKER_NICENESS setting, so that where it shares cores with the web a shopper comes first. Each
check runs in a process of its own: a niceness, once raised, cannot be taken back without
privileges."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What a worker's main process does at start: Celery loads the app, then sends worker_init
# before the pool forks. Prints the niceness before and after.
WORKER_START = """
import os
import django
django.setup()
from celery import signals
from shop.celery import app
before = os.getpriority(os.PRIO_PROCESS, 0)
signals.worker_init.send(sender=None)
print(before, os.getpriority(os.PRIO_PROCESS, 0))
"""


def worker_niceness(*, start_at: int = 0, **env: str) -> tuple[int, int]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", "ENV_FILE": os.devnull}
    environment.pop("WORKER_NICENESS", None)
    output = subprocess.run(
        [sys.executable, "-c", WORKER_START], cwd=ROOT, env={**environment, **env},
        capture_output=True, text=True, check=True,
        preexec_fn=(lambda: os.nice(start_at)) if start_at else None,  # noqa: PLW1509
    ).stdout  # fmt: skip
    before, after = map(int, output.split())
    return before, after


@pytest.fixture(autouse=True)
def _not_already_nice():
    if os.getpriority(os.PRIO_PROCESS, 0) != 0:
        pytest.skip("the test run is itself niced; the worker's own niceness cannot be told apart")


def test_a_worker_lowers_its_priority_by_default():
    assert worker_niceness() == (0, 10)


def test_the_niceness_is_a_setting():
    assert worker_niceness(WORKER_NICENESS="4") == (0, 4)


def test_zero_leaves_the_priority_alone():
    assert worker_niceness(WORKER_NICENESS="0") == (0, 0)


def test_a_worker_started_nicer_keeps_its_niceness():
    assert worker_niceness(start_at=15, WORKER_NICENESS="10") == (15, 15)


def test_only_the_worker_lowers_its_priority():
    # The web, grpcserve and beat load the same Celery app without sending worker_init.
    script = "import django; django.setup(); import shop.celery, os; " \
        "print(os.getpriority(os.PRIO_PROCESS, 0))"  # fmt: skip
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", "ENV_FILE": os.devnull}
    output = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment,
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert int(output) == 0
