"""HTTP measurements of `make bench`: wrk runs in interleaved rounds and the bare Django hello
project they are compared with."""

from __future__ import annotations

import contextlib
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from loadgen.stack import ROOT
from testing.servers import free_port, wait_for_port

WRK_SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
# The machine is shared: pages are measured in interleaved rounds and each keeps its median.
WRK_ROUNDS = 3
WRK_CONNECTIONS = 16
GUNICORN = {"workers": 2, "threads": 4}


@dataclass(frozen=True)
class Page:
    url: str
    cookie: str | None = None


@dataclass(frozen=True)
class Measured:
    rps: float
    errors: int
    # Median over the rounds of the page's requests/s to the yardstick's measured just before it.
    ratio: float = 1.0


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def wrk(page: Page, seconds: int = WRK_SECONDS) -> Measured:
    """Requests per second and the number of non-2xx/3xx answers."""
    command = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", page.url]
    if page.cookie:
        command[1:1] = ["-H", f"Cookie: {page.cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return Measured(rps, int(errors.group(1)) if errors else 0)


def measure_pages(pages: dict[str, Page], yardstick: str) -> dict[str, Measured]:
    """Median requests/s, total errors and the median ratio to `yardstick` (one of `pages`) per
    page over interleaved rounds.

    The machine is shared, and its load swings within seconds (the hello alone has measured 1,800
    and 2,900 requests/s in one run): in each round every page is measured right after a run of
    the yardstick, and its ratio is to that run."""
    # Every worker and thread warms its caches first, as in a shop that has been running.
    for page in pages.values():
        wrk(page, seconds=1)
    rounds: dict[str, list[Measured]] = {name: [] for name in pages}
    ratios: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(WRK_ROUNDS):
        for name, page in pages.items():
            if name == yardstick:
                continue
            before = wrk(pages[yardstick])
            rounds[yardstick].append(before)
            rounds[name].append(wrk(page))
            ratios[name].append(rounds[name][-1].rps / before.rps)
            ratios[yardstick].append(1.0)
            progress(f"{name}: {rounds[name][-1].rps:.0f} requests/s, {ratios[name][-1]:.2f}x")
    return {
        name: Measured(
            statistics.median(run.rps for run in runs),
            sum(run.errors for run in runs),
            statistics.median(ratios[name]),
        )
        for name, runs in rounds.items()
    }


@contextlib.contextmanager
def hello_project() -> Iterator[tuple[str, int]]:
    """The bare Django project (benchmarks/hello) under the shop's gunicorn settings: its
    hello URL and gunicorn's process id."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.hello.settings"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "benchmarks.hello.wsgi:application",
         "--config", "python:benchmarks.hello.gunicorn_config",
         "--bind", f"127.0.0.1:{port}", "--workers", str(GUNICORN["workers"]),
         "--threads", str(GUNICORN["threads"]), "--log-level", "warning", "--reuse-port"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_for_port(port, timeout=30)
        yield f"http://127.0.0.1:{port}/hello", server.pid
    finally:
        server.terminate()
        server.wait(15)
