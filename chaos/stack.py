"""The production-shaped shop a chaos run breaks: PostgreSQL, Redis with its append-only file
(cache, sessions, carts and the Celery broker), gunicorn with 2 workers, a Celery worker and beat,
and an SMTP server (aiosmtpd) counting the confirmations. Every process logs to its own file in
the run's folder, kept afterwards for reading."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

from chaos.mail import MailServer
from testing.servers import PostgresServer, RedisServer, free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STOP_SECONDS = 20


@dataclass
class ChaosStack:
    folder: Path
    url: str
    env: dict[str, str]
    postgres: PostgresServer
    redis: RedisServer
    mail: MailServer
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str) -> None:
        """Appends to its log, so a restarted process's lines follow its predecessor's."""
        with open(self.folder / f"{name}.log", "a") as log:
            self.processes[name] = subprocess.Popen(
                self._argv(name), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # Its own process group: a kill -9 of the worker takes its pool children too.
                start_new_session=True,
            )  # fmt: skip

    def _argv(self, name: str) -> list[str]:
        port = self.url.rsplit(":", 1)[1]
        return {
            "web": [PYTHON, "-m", "gunicorn", "shop.wsgi:application",
                    "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                    "--control-socket", str(self.folder / "gunicorn.ctl")],
            "worker": [PYTHON, "-m", "celery", "-A", "shop", "worker", "--concurrency", "1",
                       "--loglevel", "INFO"],
            "beat": [PYTHON, "-m", "celery", "-A", "shop", "--quiet", "beat",
                     "--loglevel", "INFO", "--schedule", str(self.folder / "celerybeat-schedule")],
        }[name]  # fmt: skip

    def exited(self) -> dict[str, int]:
        """The shop's processes that have exited, with their exit codes."""
        codes = {name: process.poll() for name, process in self.processes.items()}
        return {name: code for name, code in codes.items() if code is not None}

    def kill_worker(self) -> None:
        """kill -9 of the Celery worker and its pool, as the OOM killer or a lost node does."""
        worker = self.processes["worker"]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(STOP_SECONDS)

    def kill_web_worker(self, client_port: int | None = None) -> int:
        """kill -9 of one gunicorn worker (the master starts another): the one serving the
        connection from `client_port` when one does, else the first. Returns its pid."""
        workers = psutil.Process(self.processes["web"].pid).children()
        serving = [
            worker
            for worker in workers
            if any(
                connection.raddr and connection.raddr.port == client_port
                for connection in worker.net_connections("tcp")
            )
        ]
        victim = (serving or workers)[0]
        victim.kill()
        return victim.pid

    def ready(self) -> bool:
        """The web answers its readiness probe (database, Redis and broker all answer)."""
        try:
            return requests.get(f"{self.url}/readyz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        for name, process in self.processes.items():
            # A worker's warm shutdown would wait for tasks it holds with a countdown.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGQUIT if name == "worker" else signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def shop_env(folder: Path, url: str, database_url: str, redis_url: str, mail_url: str):
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    env = {k: v for k, v in env.items() if k not in ("METRICS_PORT", "WORKER_METRICS_PORT")}
    return env | {
        "SECRET_KEY": "chaos-run-only-" + "x" * 40,
        "DEBUG": "false",
        "HTTPS_ONLY": "false",
        "ENV_FILE": os.devnull,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": url,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_URL": mail_url,
        # A retried e-mail is due within seconds, so the books can be read soon after a fault.
        "EMAIL_RETRY_BASE_SECONDS": "1",
        # Time compressed for the sweeps too: the task a killed worker held comes back within
        # the settle time (production waits minutes: shop/settings.py).
        "SWEEP_INTERVAL_SECONDS": "5",
        "SWEEP_AFTER_SECONDS": "15",
        # Nothing listens there: beat's rate refresh fails quietly instead of going online.
        "CURRENCY_FEED_URL": f"http://127.0.0.1:{free_port()}/eurofxref-daily.xml",
        "LOG_FORMAT": "text",
        "TMPDIR": str(folder / "tmp"),  # the Celery probe files, the run's own
    }


@contextlib.contextmanager
def chaos_stack(folder: Path) -> Iterator[ChaosStack]:
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as cleanup:
        postgres = PostgresServer()
        cleanup.callback(postgres.stop)
        redis = RedisServer(appendonly=True)
        cleanup.callback(redis.stop)
        mail = MailServer()
        mail.start()
        cleanup.callback(mail.stop)
        url = f"http://127.0.0.1:{free_port()}"
        env = shop_env(folder, url, postgres.url, redis.url, mail.url)
        stack = ChaosStack(folder, url, env, postgres, redis, mail)
        _createdb(postgres)
        for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL, timeout=300)  # fmt: skip
        cleanup.callback(stack.stop)
        for name in ("web", "worker", "beat"):
            stack.start(name)
        _wait_until(stack.ready, 120, "the web is not ready")
        yield stack


def _wait_until(condition, timeout: float, failure: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{failure} after {timeout:.0f}s")
        time.sleep(0.2)


def _createdb(postgres: PostgresServer) -> None:
    import psycopg

    admin_url = postgres.url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute("CREATE DATABASE boutique")
