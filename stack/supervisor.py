"""Runs the stack's processes, each in a session of its own, with their output prefixed by their
name on ours (like foreman or honcho).

Unlike honcho, a process that exits does not take the others down: an outage of one service is
something to try here (the pages that need it answer 503, the others go on). It stays down, its
exit reported, until SIGHUP asks for every stopped process to be started again. Ctrl-C
(SIGINT) or SIGTERM stops everything, the shop's processes first and the data stores last; a
second Ctrl-C kills whatever is still running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from stack.topology import Process

ROOT = Path(__file__).resolve().parent.parent
STOP_SECONDS = 15  # a Celery worker's warm shutdown, gunicorn's and grpcserve's grace
NAME_WIDTH = len("recommendations")  # the longest name: every prefix as wide


class Supervisor:
    def __init__(self, folder: Path):
        self.pid_dir = folder / "pid"
        self.pid_dir.mkdir(exist_ok=True)
        self.processes: dict[str, Process] = {}
        self.running: dict[str, subprocess.Popen] = {}
        self.reported: set[str] = set()
        self._print_lock = threading.Lock()

    def say(self, name: str, line: str) -> None:
        with self._print_lock:
            sys.stdout.write(f"{name:<{NAME_WIDTH}}| {line.rstrip()}\n")
            sys.stdout.flush()

    def start(self, process: Process) -> None:
        self.processes[process.name] = process
        child = subprocess.Popen(  # noqa: S603 - our own command lines
            process.argv, cwd=ROOT, env=process.env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, errors="replace",
            # Its own session: the terminal's Ctrl-C reaches us only, and we stop each in order.
            start_new_session=True,
        )  # fmt: skip
        self.running[process.name] = child
        self.reported.discard(process.name)
        # Renamed into place: whoever reads it (`kill $(cat ...)`, the test) never sees it empty.
        pid_file = self.pid_dir / process.name
        pid_file.with_suffix(".new").write_text(f"{child.pid}\n")
        pid_file.with_suffix(".new").replace(pid_file)
        threading.Thread(target=self._relay, args=(process.name, child), daemon=True).start()
        self.say("stack", f"started {process.name} (pid {child.pid})")

    def _relay(self, name: str, child: subprocess.Popen) -> None:
        for line in child.stdout:
            self.say(name, line)

    def report_exits(self) -> None:
        """Says once of each process that has exited since it was started."""
        for name, child in self.running.items():
            code = child.poll()
            if code is not None and name not in self.reported:
                self.reported.add(name)
                self.say("stack", f"{name} exited ({code}); the others go on. "
                                  f"kill -HUP {os.getpid()} starts it again")  # fmt: skip

    def restart_stopped(self) -> None:
        for name, child in list(self.running.items()):
            if child.poll() is not None:
                self.start(self.processes[name])

    def stop(self, names: list[str], timeout: float = STOP_SECONDS) -> None:
        """SIGTERM to these together, then SIGKILL to whatever outlives `timeout`."""
        children = {name: self.running[name] for name in names if name in self.running}
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name, child in children.items():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say("stack", f"{name} did not stop in {timeout:.0f}s: killed")
                self._kill(child)
            (self.pid_dir / name).unlink(missing_ok=True)

    def kill_all(self) -> None:
        for child in self.running.values():
            self._kill(child)

    @staticmethod
    def _kill(child: subprocess.Popen) -> None:
        """SIGKILL to its whole process group: gunicorn's workers and Celery's pool go too."""
        if child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()

    def run_once(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        """A set-up command (migrate, load_demo), its output relayed; stops the launch if it
        fails."""
        child = subprocess.Popen(  # noqa: S603 - our own command lines
            argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, errors="replace",
        )  # fmt: skip
        self._relay(name, child)
        if child.wait() != 0:
            raise SystemExit(f"{' '.join(argv[1:])} failed ({child.returncode})")

    def wait_listening(self, name: str, port: int, timeout: float) -> None:
        """Until `name` accepts connections on `port`; fails at once if it exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.running[name].poll() is not None:
                raise SystemExit(f"{name} exited while starting: see its lines above")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                return
            time.sleep(0.1)
        raise SystemExit(f"{name} does not listen on 127.0.0.1:{port} after {timeout:.0f}s")
