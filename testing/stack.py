"""A small multi-process shop on loopback for tests that follow one checkout across processes:
the web (gunicorn) calling the payment service over gRPC (`grpcserve payments`), and a Celery
worker on a real Redis broker sending the confirmation e-mail. They share one SQLite database;
every process writes its output to its own log file under the test's folder, kept for grepping.

    with checkout_stack(tmp_path, extra_env={"LOG_FORMAT": "json"}) as stack:
        order_path = stack.checkout()
        stack.wait_for_email()
        stack.logs()  # {"web": "...", "payments": "...", "worker": "..."}
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

from testing.fixtures import FORM as CHECKOUT_FORM
from testing.fixtures import VISA  # noqa: F401 - tests grep logs for it
from testing.servers import RedisServer, free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Stack:
    folder: Path
    env: dict[str, str]
    web_url: str
    payments_address: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def mail_dir(self) -> Path:
        return self.folder / "mail"

    def log_path(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def logs(self) -> dict[str, str]:
        """Each process's output so far."""
        return {name: self.log_path(name).read_text() for name in self.processes}

    def checkout(self, session: requests.Session | None = None, **headers: str) -> str:
        """A shopper adds a product and checks out through the web; returns the order page's
        path (with its access token). `headers` go with every request (e.g. X-Request-ID)."""
        session = session or requests.Session()
        session.headers.update(headers)
        added = session.post(
            f"{self.web_url}/cart",
            {"product_id": "OLJCESPC7Z", "quantity": "1"},
            allow_redirects=False,
            timeout=30,
        )
        assert added.status_code == 302, added.text
        confirmation = session.post(f"{self.web_url}/cart/checkout", CHECKOUT_FORM, timeout=60)
        assert confirmation.status_code == 200, confirmation.text
        found = re.search(r'href="(/order/[^"]+)"', confirmation.text)
        assert found, confirmation.text
        return found.group(1).replace("&amp;", "&")

    def wait_for_email(self, count: int = 1, timeout: float = 60.0) -> list[Path]:
        """The e-mails the worker wrote (Django's file backend), once there are `count`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = sorted(self.mail_dir.glob("*.log")) if self.mail_dir.exists() else []
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"no e-mail after {timeout}s; worker log:\n{self.logs()['worker']}")

    def wait_for_log(self, process: str, text: str, timeout: float = 60.0) -> None:
        """Until `process` has logged a line containing `text`. The e-mail's file is written
        before its task ends and logs its outcome; a worker stopped in between (SIGQUIT, as the
        stack stops it) never logs it, and a worker at a lower CPU priority on a busy machine
        (shop/worker_priority.py) makes that gap longer."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.logs()[process]:
                return
            time.sleep(0.2)
        raise AssertionError(f"{process} did not log {text!r} in {timeout}s")


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=180,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def _start(stack: Stack, name: str, args: list[str], env: dict[str, str]) -> None:
    log = open(stack.log_path(name), "w")  # noqa: SIM115 - closed with the process's output
    stack.processes[name] = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()  # the child holds its own descriptor


@contextlib.contextmanager
def checkout_stack(
    folder: Path,
    *,
    extra_env: dict[str, str] | None = None,
    process_env: dict[str, dict[str, str]] | None = None,
) -> Iterator[Stack]:
    """`extra_env` applies to every process (e.g. the log format); `process_env` adds variables
    to one process by name ("web", "payments", "worker"), e.g. its own metrics port."""
    process_env = process_env or {}
    redis_server = RedisServer()
    web_port, grpc_port = free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    env |= {
        "SECRET_KEY": "multi-process-test-only-" + "x" * 40,
        "DEBUG": "false",
        "HTTPS_ONLY": "false",
        "ENV_FILE": os.devnull,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{folder / 'shop.sqlite3'}",
        "REDIS_URL": redis_server.url,
        # django-environ drops one leading slash of the path: four make it absolute.
        "EMAIL_URL": f"filemail:///{folder / 'mail'}",
        "SITE_URL": f"http://127.0.0.1:{web_port}",
        **(extra_env or {}),
    }
    stack = Stack(folder, env, f"http://127.0.0.1:{web_port}", f"127.0.0.1:{grpc_port}")
    try:
        _manage(env, "migrate", "--no-input")
        _manage(env, "load_demo")
        _start(stack, "payments", [PYTHON, "manage.py", "grpcserve", "payments",
                                   "--port", str(grpc_port)],
               env | process_env.get("payments", {}))  # fmt: skip
        web_env = env | {"PAYMENT_SERVICE_ADDR": stack.payments_address}
        _start(stack, "web", [PYTHON, "-m", "gunicorn", "shop.wsgi:application",
                              "--bind", f"127.0.0.1:{web_port}", "--workers", "1",
                              "--threads", "4"],
               web_env | process_env.get("web", {}))  # fmt: skip
        _start(stack, "worker", [PYTHON, "-m", "celery", "-A", "shop", "worker", "--pool",
                                 "solo", "--loglevel", "INFO"],
               env | process_env.get("worker", {}))  # fmt: skip
        wait_for_port(grpc_port, timeout=60)
        wait_for_port(web_port, timeout=60)
        yield stack
    finally:
        for name, process in stack.processes.items():
            # A worker's warm shutdown would wait for tasks it holds with a countdown.
            process.send_signal(signal.SIGQUIT if name == "worker" else signal.SIGTERM)
        for process in stack.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        redis_server.stop()
