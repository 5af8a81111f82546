"""The load stack cleans up after itself, even when a process will not stop when asked."""

from __future__ import annotations

import signal
import subprocess
import sys

from loadgen.stack import _stop

IGNORES_SIGTERM = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); " \
    "print('ready', flush=True); time.sleep(60)"  # fmt: skip


def test_a_process_that_ignores_the_stop_signal_is_killed_after_the_grace_period():
    process = subprocess.Popen([sys.executable, "-c", IGNORES_SIGTERM], stdout=subprocess.PIPE)
    try:
        assert process.stdout.readline() == b"ready\n"  # the handler is in place
        _stop(process, signal.SIGTERM, grace=0.5)
        assert process.returncode == -signal.SIGKILL
    finally:
        process.kill()
        process.wait()


def test_a_process_that_stops_when_asked_is_not_killed():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    _stop(process, signal.SIGTERM, grace=30)
    assert process.returncode == -signal.SIGTERM
