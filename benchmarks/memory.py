"""Memory of gunicorn's workers, for `make bench` and on its own (`python -m benchmarks.memory`:
the shop as `make bench` runs it, the shopper paths walked, each worker's memory printed).

RSS (VmRSS) is what issue 17 measured: it counts every page a worker maps, the ones it shares
with the master (preload_app) and its sibling included. PSS divides a shared page among the
processes sharing it, USS (Private_Clean + Private_Dirty) counts only the worker's own pages:
together they say what one more worker costs the machine.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import requests

from .pages import GUNICORN, progress
from .shoppers import CART, FORM, shopper_cookie

# The pages a shopper walks: browsing, the cart, a search and the checkout form's answer.
SHOPPER_PATHS = ("/", "/product/OLJCESPC7Z", "/cart", "/search?q=mug")
# Walked this many times, so that every worker (the kernel spreads connections over them) and
# every thread of each has served each path and filled its per-process memos.
WALKS = 24


@dataclass(frozen=True)
class WorkerMemory:
    rss_mib: float
    pss_mib: float
    uss_mib: float


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
    """Every shopper path, with and without the shopper's session, then checkouts: what a
    worker has loaded and cached once shoppers have come by."""
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


def main(argv: list[str]) -> int:
    """Arguments NAME=VALUE are added to the shop's environment (to compare settings)."""
    from loadgen.stack import shop_stack

    extra_env = dict(argument.split("=", 1) for argument in argv)
    with shop_stack(**GUNICORN, celery_worker=True, **extra_env) as stack:
        before = worker_memory(stack.web_pid)
        progress("walking the shopper paths")
        walk_shopper_paths(stack.url, shopper_cookie(stack.url))
        after = worker_memory(stack.web_pid)
    for moment, sizes in (("started", before), ("after the shopper paths", after)):
        for number, size in enumerate(sizes, 1):
            print(
                f"worker {number} {moment}: RSS {size.rss_mib:.1f} MiB, "
                f"PSS {size.pss_mib:.1f} MiB, USS {size.uss_mib:.1f} MiB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
