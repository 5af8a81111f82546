"""The stack's own PostgreSQL cluster and Redis, kept in its folder between runs.

First run: `initdb` (password authentication, the generated password) and the `boutique`
database; later runs start the same cluster, so orders, accounts and carts survive a restart of
the stack. Redis keeps an append-only file (AOF) and RDB snapshots in the same folder.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

from testing.servers import postgres_bin_dir

SECRET_NAMES = ("SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD")


def load_secrets(folder: Path) -> dict[str, str]:
    """Generated once into `secrets.env` (readable by its owner only), then read back."""
    path = folder / "secrets.env"
    if not path.exists():
        lines = [f"{name}={secrets.token_urlsafe(32)}\n" for name in SECRET_NAMES]
        path.touch(mode=0o600)
        path.write_text("".join(lines))
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {name: value for name, value in pairs}


class Postgres:
    """A cluster in `folder/postgres`, run with pg_ctl (as the `postgres` user when we are root:
    PostgreSQL refuses to run as root)."""

    def __init__(self, folder: Path, port: int, password: str):
        self.dir = folder / "postgres"
        self.data = self.dir / "data"
        self.port = port
        self.password = password
        self.bin = postgres_bin_dir()
        self.as_root = os.geteuid() == 0

    def start(self) -> None:
        fresh = not self.data.exists()
        if fresh:
            self._initdb()
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._pg_ctl("-o", options, "-l", str(self.dir / "postgres.log"), "start")
        if fresh:
            self._createdb()

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast", check=False)

    def stop_leftover(self) -> None:
        """Stops the cluster if a launcher that was killed left it running."""
        if self.data.exists() and self._pg_ctl("status", check=False).returncode == 0:
            self.stop()

    def _createdb(self) -> None:
        import psycopg  # the shop's own driver; imported here, where it is needed

        url = f"postgres://boutique:{self.password}@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE DATABASE boutique")

    def _initdb(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        password_file = self.dir / "password"
        password_file.touch(mode=0o600)
        password_file.write_text(self.password)
        if self.as_root:
            shutil.chown(password_file, "postgres", "postgres")
        try:
            initdb = [
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "boutique",
                "-E",
                "UTF8",
            ]
            self._run([*initdb, "-A", "scram-sha-256", f"--pwfile={password_file}"])
        finally:
            password_file.unlink()

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", *args], check)

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        env = os.environ | {"PGPASSWORD": self.password}
        return subprocess.run(argv, check=check, env=env, stdout=subprocess.DEVNULL)  # noqa: S603


def redis_argv(folder: Path, port: int, password: str) -> list[str]:
    """redis-server in the foreground; the password goes in a config file of the owner's only,
    not on the command line where `ps` shows it to everyone."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    data = folder / "redis"
    data.mkdir(exist_ok=True)
    config = folder / "redis.conf"
    config.touch(mode=0o600)
    config.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {data}\nrequirepass {password}\n"
        # Carts live here: every write in the append-only file, plus the periodic snapshots.
        "appendonly yes\nappendfsync everysec\nsave 3600 1 300 100 60 10000\n"
    )
    return [binary, str(config)]
