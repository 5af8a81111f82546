"""A production-shaped shop on loopback for load runs and benchmarks: PostgreSQL, Redis, the
demo data and gunicorn. Everything is started here and stopped on exit."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from testing.servers import PostgresServer, RedisServer, free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    # gunicorn's master: its children are the workers (make bench reads their memory).
    web_pid: int


def shop_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "SECRET_KEY": "load-and-bench-only-" + "x" * 40,
        "DEBUG": "false",
        "HTTPS_ONLY": "false",
        "ENV_FILE": os.devnull,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # Celery tasks run in-process: the load run measures the web tier, not a worker fleet.
        "CELERY_BROKER_URL": "",
        "EMAIL_URL": "memorymail://",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@contextlib.contextmanager
def shop_stack(
    *,
    workers: int = 2,
    threads: int = 4,
    celery_worker: bool = False,
    python: str = PYTHON,
    **extra_env: str,
) -> Iterator[Stack]:
    """`celery_worker`: tasks go through Redis to a Celery worker started here, as in
    production, instead of running in the web process. `python`: the interpreter the shop's
    processes run on (make bench measures memory on one with the runtime dependencies only)."""
    postgres = PostgresServer()
    redis = RedisServer()
    gunicorn = worker = None
    try:
        _createdb(postgres)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        if celery_worker:
            extra_env = {"CELERY_BROKER_URL": redis.url, **extra_env}
        env = shop_env(postgres.url, redis.url, SITE_URL=url, **extra_env)
        # No collectstatic: WhiteNoise serves the apps' static folders (compressing them is the
        # image's build step, and took a third of this stack's start).
        for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
            subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
        # Kept after the run on purpose: the place to look when a load run reports failures.
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="boutique-gunicorn-", suffix=".log", delete=False
        )
        gunicorn = subprocess.Popen(
            [python, "-m", "gunicorn", "shop.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--threads", str(threads), "--log-level", "warning",
             # SO_REUSEPORT: the kernel spreads connections evenly over the workers.
             "--reuse-port"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        if celery_worker:
            worker = subprocess.Popen(
                [python, "-m", "celery", "-A", "shop", "worker", "--loglevel", "WARNING"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for_port(port, timeout=30)
        yield Stack(url=url, env=env, web_pid=gunicorn.pid)
    finally:
        try:
            # A Celery worker's warm shutdown would wait for tasks it holds with a countdown.
            for process, stop in ((gunicorn, signal.SIGTERM), (worker, signal.SIGQUIT)):
                if process is not None:
                    _stop(process, stop)
        finally:
            redis.stop()
            postgres.stop()


def _stop(process: subprocess.Popen, stop: signal.Signals, grace: float = 15) -> None:
    """Asks a process to stop, and kills it if it has not within `grace` seconds: a gunicorn
    slow to stop (a request still running) must not leave the stack's Redis and PostgreSQL
    behind."""
    process.send_signal(stop)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _createdb(postgres: PostgresServer) -> None:
    import psycopg

    admin_url = postgres.url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute("CREATE DATABASE boutique")
