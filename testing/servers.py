"""Real servers for the test suite: redis-server and a throwaway PostgreSQL cluster.

Both listen on 127.0.0.1 on a free port, keep their data in a temporary directory and are
stopped by the caller. Nothing here is used by the shop itself.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def wait_until(predicate, timeout: float = 60.0) -> None:
    """Polls `predicate` until it is true; TimeoutError after `timeout` seconds (generous by
    default: the machine running the tests may be busy)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met in {timeout}s")
        time.sleep(0.05)


class RedisServer:
    """A redis-server process; `url` carries the password when one is set. With `appendonly`,
    every write goes to the append-only file (fsync every second, as production runs it), so
    what was written survives a halt and start."""

    def __init__(self, password: str | None = None, *, appendonly: bool = False):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed (make test installs it with apt)")
        self.password = password
        self.appendonly = appendonly
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="boutique-redis-")
        self.start()

    def start(self) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--save", "", "--appendonly", "yes" if self.appendonly else "no",
                "--appendfsync", "everysec"]  # fmt: skip
        if self.password:
            args += ["--requirepass", self.password]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        wait_for_port(self.port)

    def halt(self) -> None:
        """Stops the process but keeps the port and directory, so `start` can bring it back."""
        self.resume()  # a paused server would never act on SIGTERM
        self.process.terminate()
        self.process.wait(10)

    def pause(self) -> None:
        """Hangs it (SIGSTOP): connections stay open and accepted, nothing is answered."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.halt()
        shutil.rmtree(self.dir, ignore_errors=True)


def postgres_bin_dir() -> Path:
    """Debian keeps initdb/pg_ctl off the PATH, under /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        raise RuntimeError("PostgreSQL is not installed (make test installs it with apt)")
    return Path(candidates[-1]).parent


class PostgresServer:
    """A throwaway cluster with trust auth on loopback; runs as `postgres` when we are root."""

    def __init__(self):
        self.bin = postgres_bin_dir()
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="boutique-pg-")
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = f"{self.dir}/data"
        self._run([str(self.bin / "initdb"), "-D", self.data, "-U", "postgres", "-A", "trust",
                   "--no-sync", "-E", "UTF8"])  # fmt: skip
        self.start()

    @classmethod
    def of_this_run(cls) -> PostgresServer:
        """The cluster `python -m testing.servers postgres` started for this test run (the
        postgres pass), so a test can halt and start it."""
        server = cls.__new__(cls)
        server.bin = postgres_bin_dir()
        server.dir = os.environ["TEST_POSTGRES_DIR"]
        server.port = int(os.environ["TEST_POSTGRES_PORT"])
        server.as_root = os.geteuid() == 0
        server.data = f"{server.dir}/data"
        return server

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c max_connections=200"
        )
        self._run([str(self.bin / "pg_ctl"), "-D", self.data, "-o", options, "-l",
                   f"{self.dir}/log", "-w", "start"])  # fmt: skip

    def halt(self) -> None:
        """Stops the cluster but keeps its port and data, so `start` can bring it back."""
        self._run([str(self.bin / "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"])

    def _run(self, args: list[str]) -> None:
        if self.as_root:
            args = ["runuser", "-u", "postgres", "--", *args]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/boutique"

    def stop(self) -> None:
        self.halt()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        yield server
    finally:
        server.stop()


def main(argv: list[str]) -> int:
    """`python -m testing.servers postgres -- CMD...`: runs CMD with DATABASE_URL set to a fresh
    PostgreSQL cluster (pytest-django creates its test database there), then removes it."""
    if len(argv) < 3 or argv[0] != "postgres" or argv[1] != "--":
        print("usage: python -m testing.servers postgres -- COMMAND...", file=sys.stderr)
        return 2
    with postgres() as server:
        env = {**os.environ, "DATABASE_URL": server.url, "TEST_POSTGRES": "1"}
        env |= {"TEST_POSTGRES_DIR": server.dir, "TEST_POSTGRES_PORT": str(server.port)}
        return subprocess.call(argv[2:], env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
