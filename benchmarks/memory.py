"""Memory of gunicorn's workers, for `make bench` and on its own (`python -m benchmarks.memory`:
the shop as `make bench` runs it, the shopper paths walked, each worker's memory printed;
`--runtime` runs the shop on the runtime dependencies only, as the image does).

RSS (VmRSS) is what issue 17 measured: it counts every page a worker maps, the ones it shares
with the master (preload_app) and its sibling included. PSS divides a shared page among the
processes sharing it, USS (Private_Clean + Private_Dirty) counts only the worker's own pages:
together they say what one more worker costs the machine.

Two environments: `make bench`'s .venv holds the test tools too, which some libraries import
when they find them (the shop hides those it knows from its processes as they load:
shop/import_guards.py), and no bytecode caches (`make install` passes --no-compile), so every
process compiles what it imports. The section here measures a shop running on a fresh
virtualenv made from requirements/runtime.txt, as deploy/Dockerfile makes it.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from loadgen.stack import ROOT, shop_stack

from .pages import GUNICORN, progress
from .shoppers import CART, FORM, shopper_cookie

# The pages a shopper walks: browsing, a search, the cart with its checkout form, then checkouts.
SHOPPER_PATHS = ("/", "/product/OLJCESPC7Z", "/cart", "/search?q=mug")
# Walked this many times, so that every worker (the kernel spreads connections over them) and
# every thread of each has served each path and filled its per-process memos.
WALKS = 24


@dataclass(frozen=True)
class WorkerMemory:
    rss_mib: float
    pss_mib: float
    uss_mib: float

    def __str__(self) -> str:
        return f"RSS {self.rss_mib:.1f}, PSS {self.pss_mib:.1f}, USS {self.uss_mib:.1f} MiB"


def _kib(text: str, field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE).group(1))


def worker_memory(master_pid: int) -> list[WorkerMemory]:
    """RSS, PSS and USS of each of gunicorn's workers (the master's children), in MiB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        private = _kib(rollup, "Private_Clean") + _kib(rollup, "Private_Dirty")
        sizes.append(
            WorkerMemory(_kib(rollup, "Rss") / 1024, _kib(rollup, "Pss") / 1024, private / 1024)
        )
    return sizes


def walk_shopper_paths(base: str, cookie: str) -> None:
    """Every shopper path, with and without the shopper's session, then a checkout, WALKS
    times: what a worker has loaded and cached once shoppers have come by."""
    for walk in range(WALKS):
        for path in SHOPPER_PATHS:
            for headers in ({"Cookie": cookie}, {}):
                requests.get(base + path, headers=headers, timeout=60).raise_for_status()
        with requests.Session() as session:
            for product_id, quantity in CART.items():
                session.post(f"{base}/cart", {"product_id": product_id, "quantity": quantity},
                             timeout=60)  # fmt: skip
            form = {**FORM, "email": f"memory-{walk}@example.com"}
            session.post(f"{base}/cart/checkout", form, timeout=60).raise_for_status()


@contextlib.contextmanager
def runtime_python() -> Iterator[str]:
    """The interpreter of a throwaway virtualenv holding requirements/runtime.txt only."""
    with tempfile.TemporaryDirectory(prefix="boutique-runtime-") as directory:
        subprocess.run([sys.executable, "-m", "venv", directory], check=True)
        python = str(Path(directory) / "bin" / "python")
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "--require-hashes", "--no-deps",
             "-r", str(ROOT / "requirements" / "runtime.txt")],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        yield python


def measure(python: str = sys.executable) -> tuple[list[WorkerMemory], list[WorkerMemory]]:
    """Each worker's memory just started and after the shopper paths, the shop running on
    `python` as `make bench` runs it (PostgreSQL, Redis, a Celery worker)."""
    with shop_stack(**GUNICORN, celery_worker=True, python=python) as stack:
        started = worker_memory(stack.web_pid)
        progress("walking the shopper paths")
        walk_shopper_paths(stack.url, shopper_cookie(stack.url))
        walked = worker_memory(stack.web_pid)
        # Said before the stack stops, whose shutdown may time out on a busy machine.
        progress("workers after the shopper paths: " + "; ".join(map(str, walked)))
        return started, walked


def section(context) -> str:
    """`make bench`'s row for the shop on its runtime dependencies only."""
    progress("memory on the runtime dependencies only (a fresh virtualenv)")
    with runtime_python() as python:
        _, walked = measure(python)
    return "\n".join([
        "## Memory per gunicorn worker, runtime dependencies only (as the image)",
        "",
        f"The shop on a fresh virtualenv of requirements/runtime.txt, after {WALKS} walks of "
        f"{', '.join(SHOPPER_PATHS)} (with and without a shopper's session) and a checkout each.",
        "",
        "| worker | RSS MiB | PSS MiB | USS MiB |",
        "|---:|---:|---:|---:|",
        *(f"| {number} | {size.rss_mib:.0f} | {size.pss_mib:.0f} | {size.uss_mib:.0f} |"
          for number, size in enumerate(walked, 1)),
    ])  # fmt: skip


def main(argv: list[str]) -> int:
    with contextlib.ExitStack() as stack:
        python = stack.enter_context(runtime_python()) if "--runtime" in argv else sys.executable
        started, walked = measure(python)
    for moment, sizes in (("started", started), ("after the shopper paths", walked)):
        for number, size in enumerate(sizes, 1):
            print(f"worker {number} {moment}: {size}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
