"""`make bench`: one run on this machine, reported as ratios, written to BENCHMARKS.md.

- Pages (wrk) against a bare Django hello project (benchmarks/hello) under the same gunicorn
  settings, measured in the same interleaved rounds: anonymous visitors and shoppers (a session
  with a cart of two lines, prices in euros) on home, product, cart and search, at 9, 1,000 and
  100,000 products. Each row says what was cached.
- Checkout: its database queries, p50/p95 and orders/s at 4 and 16 concurrent shoppers, with
  tasks on a real broker (Redis) and a Celery worker, and how far that worker was behind when
  the load stopped (each load waits for it to catch up before the next).
- Memory (RSS, PSS, USS) per gunicorn worker of the shop and of the hello project, after all of
  the above (benchmarks/memory.py; its section: the shop on the runtime dependencies only).
- Database queries per page at each catalog size; search latency (benchmarks/search_latency.py).
- The sections of other modules, when present: `benchmarks.rpc` (gRPC throughput) and
  `benchmarks.staff` (staff pages at many orders), each a `section(context) -> str` of Markdown
  called with a Context (the shop's environment and URLs) while the shop still runs.
"""

from __future__ import annotations

import importlib
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from statistics import median

from loadgen.stack import ROOT, shop_stack

from .memory import WorkerMemory, worker_memory
from .pages import (
    GUNICORN,
    WRK_CONNECTIONS,
    WRK_ROUNDS,
    WRK_SECONDS,
    Measured,
    Page,
    hello_project,
    measure_pages,
    progress,
)
from .shoppers import (
    CheckoutLoad,
    EmailBacklog,
    checkout_load,
    email_backlog,
    query_counts,
    shopper_cookie,
)

PRODUCT = "OLJCESPC7Z"
SEARCH = "/search?q=mug"
PATHS = {"home": "/", "product": f"/product/{PRODUCT}", "cart": "/cart", "search": SEARCH}
# BENCH_SIZES=9,1000 for a quick try of the runner (the 100,000 products take minutes to seed).
SIZES = tuple(int(size) for size in os.environ.get("BENCH_SIZES", "9,1000,100000").split(","))
# Pages measured at each catalog size beyond the demo's 9 (search is what grows with it).
PAGES_AT_SIZE = {
    9: [(who, page) for who in ("anonymous", "shopper") for page in PATHS],
    1_000: [("anonymous", "search"), ("shopper", "search")],
    100_000: [("anonymous", "home"), ("shopper", "home"), ("shopper", "product"),
              ("shopper", "cart"), ("anonymous", "search"), ("shopper", "search")],
}  # fmt: skip
# What each row found cached, true to the storefront's code (docs/storefront.md, Cache).
CACHE_STATE = {
    ("anonymous", "home"): "page shell cached (Redis, 1 s in process); ad filled in",
    ("anonymous", "product"): "page shell cached (Redis, 1 s in process); ad filled in",
    ("anonymous", "cart"): "no session cookie: the empty cart's page shell cached",
    ("anonymous", "search"): "page shell cached per query (the same query repeated)",
    ("shopper", "home"): "page shell cached; session and cart size remembered in process "
    "(Redis tracking)",
    ("shopper", "product"): "page shell cached; session and cart size remembered in process "
    "(Redis tracking)",
    ("shopper", "cart"): "session and cart remembered in process (Redis tracking); the priced "
    "cart's page shell cached per lines and currency (Redis, 1 s in process)",
    ("shopper", "search"): "page shell cached per query; session and cart size remembered in "
    "process (Redis tracking)",
}
CHECKOUT_SHOPPERS = (4, 16)
# Per round and load: the loads take turns, round after round, and each figure is the median of
# its rounds (as the pages' ratios are), so one burst of a neighbour's load moves one round only.
CHECKOUT_SECONDS = float(os.environ.get("BENCH_CHECKOUT_SECONDS", "6"))
CHECKOUT_ROUNDS = 3
# Orders placed before the measured rounds: each gunicorn thread's first checkout opens its
# database connection and prepares what a process does once, which a running shop has done.
CHECKOUT_WARMUP_SECONDS = 2
SECTION_MODULES = ("benchmarks.rpc", "benchmarks.staff", "benchmarks.memory")


@dataclass
class Context:
    """What a section module gets: the running shop (PostgreSQL, Redis, gunicorn, a Celery
    worker) and the hello project beside it."""

    env: dict[str, str]
    web_url: str
    hello_url: str


@dataclass
class Results:
    # (catalog size, visitor, page) -> measured; (size, "hello", "hello") for the yardstick
    pages: dict[tuple[int, str, str], Measured] = field(default_factory=dict)
    queries: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    # concurrent shoppers -> each round's load and how far the worker was behind after it
    checkouts: dict[int, list[tuple[CheckoutLoad, EmailBacklog]]] = field(default_factory=dict)
    memory: dict[str, list[WorkerMemory]] = field(default_factory=dict)
    search_latency: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


def measure_at_size(results: Results, size: int, hello: Page, web: str, cookie: str) -> None:
    pages = {("hello", "hello"): hello}
    for who, name in PAGES_AT_SIZE[size]:
        pages[(who, name)] = Page(web + PATHS[name], cookie if who == "shopper" else None)
    named = {f"{who} {name}": page for (who, name), page in pages.items()}
    measured = measure_pages(named, yardstick="hello hello")
    for who, name in pages:
        results.pages[(size, who, name)] = measured[f"{who} {name}"]


def seed_to(env: dict, size: int) -> list[str]:
    """benchmarks/search_latency.py on the shop's database: it seeds up to `size` products and
    answers its table's rows."""
    output = subprocess.run(
        [sys.executable, "benchmarks/search_latency.py", "--sizes", str(size),
         "--repeat", "10", "--database-url", env["DATABASE_URL"]],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return output.strip().splitlines()


def checkout_rounds(web: str, env: dict[str, str]) -> dict[int, list]:
    """A warm-up with the most shoppers (every thread of the shop reached), then the loads in
    turns, round after round; after each, the wait for the worker's e-mails (reported: how far
    behind it was), so that no load pays for the one before."""
    checkout_load(web, max(CHECKOUT_SHOPPERS), CHECKOUT_WARMUP_SECONDS)
    email_backlog(env)
    rounds: dict[int, list] = {shoppers: [] for shoppers in CHECKOUT_SHOPPERS}
    for number in range(1, CHECKOUT_ROUNDS + 1):
        for shoppers in CHECKOUT_SHOPPERS:
            load = checkout_load(web, shoppers, CHECKOUT_SECONDS)
            backlog = email_backlog(env)
            rounds[shoppers].append((load, backlog))
            progress(f"checkout round {number}, {shoppers} shoppers: {load}; behind: {backlog}")
    return rounds


def other_sections(context: Context) -> list[str]:
    sections = []
    for name in SECTION_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        progress(f"section {name}")
        sections.append(module.section(context))
    return sections


def run(results: Results) -> None:
    with (
        hello_project() as (hello_url, hello_pid),
        shop_stack(**GUNICORN, celery_worker=True) as stack,
    ):
        web = stack.url
        cookie = shopper_cookie(web)
        hello = Page(hello_url)
        measure_at_size(results, 9, hello, web, cookie)
        results.queries[9] = query_counts(stack.env, list(PATHS.values()))
        results.checkouts = checkout_rounds(web, stack.env)
        for size in SIZES[1:]:
            progress(f"seeding up to {size:,} products")
            results.search_latency += seed_to(stack.env, size)
            measure_at_size(results, size, hello, web, cookie)
            results.queries[size] = query_counts(stack.env, list(PATHS.values()))
        # After every page, at every catalog size, and the checkouts: workers that have served
        # all of what shoppers do.
        results.memory = {
            "shop": worker_memory(stack.web_pid),
            "hello": worker_memory(hello_pid),
        }
        results.sections = other_sections(Context(stack.env, web, hello_url))


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        memory_kb = int(info.readline().split()[1])
    return f"{os.cpu_count()} cores ({cpu}), {memory_kb // 1024 // 1024} GiB, {platform.platform()}"


def report(results: Results) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {date.today().isoformat()} by `make bench` in one run on: {machine()}.",
        f"gunicorn {GUNICORN['workers']} workers x {GUNICORN['threads']} threads for the shop "
        "(PostgreSQL, Redis, a Celery worker) and for a bare Django hello project (default "
        f"middleware); wrk -t2 -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s per page, median of "
        f"{WRK_ROUNDS} interleaved rounds after a 1 s warm-up; in each round a page's ratio is to "
        "the hello measured just before it, and the table shows the median of those ratios. A "
        "shopper has a session, a cart of two lines and prices in euros. The shop's processes "
        "run with LOG_LEVEL=WARNING (loadgen/stack.py): the one INFO line per request and per "
        "gRPC call that the default level writes is not part of these figures.",
        "",
        "## Pages against a bare Django hello project (same gunicorn)",
        "",
        "| page | visitor | products | cache state | requests/s | ratio to hello | errors |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    for (size, who, name), measured in results.pages.items():
        state = CACHE_STATE.get((who, name), "")
        lines.append(
            f"| {PATHS.get(name, name)} | {who} | {size:,} | {state} | {measured.rps:.0f} | "
            f"{measured.ratio:.2f} | {measured.errors} |"
        )
    lines += checkout_report(results) + [
        "",
        "## Memory per gunicorn worker (after the load above; the shop in make bench's .venv)",
        "",
        "RSS counts the pages a worker shares with the master (preload_app) and its sibling;",
        "PSS shares them out, USS is the worker's own (benchmarks/memory.py).",
        "",
        "| project | RSS MiB per worker | PSS MiB | USS MiB |",
        "|---|---|---|---|",
    ]
    for name, sizes in results.memory.items():
        columns = [", ".join(f"{getattr(size, unit):.0f}" for size in sizes)
                   for unit in ("rss_mib", "pss_mib", "uss_mib")]  # fmt: skip
        lines.append(f"| {name} | {' | '.join(columns)} |")
    lines += ["", "## Database queries per page (status, queries; caches warm)", ""]
    lines.append("| page | " + " | ".join(f"{size:,} products" for size in SIZES) + " |")
    lines.append("|---|" + "---|" * len(SIZES))
    for name in results.queries[SIZES[0]]:
        cells = [f"{results.queries[s][name][1]} ({results.queries[s][name][0]})" for s in SIZES]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    header = results.search_latency[:2]
    rows = [line for line in results.search_latency if line not in header]
    lines += [
        "",
        "## Search latency (benchmarks/search_latency.py on the same database)",
        "",
        "One page of results (count, rows, categories) as the catalog runs it, uncached; the",
        "last column is the same query with bitmap scans off (the trigram indexes unused).",
        "",
        *header,
        *rows,
    ]
    for section in results.sections:
        lines += ["", section.strip()]
    return "\n".join(lines) + "\n"


def checkout_report(results: Results) -> list[str]:
    checkout = results.queries[SIZES[0]]["checkout"]
    lines = [
        "",
        "## Checkout (each a real order: cart, charge, shipment; e-mail by the Celery worker)",
        "",
        "Database statements of one checkout request (the process's second, a new shopper's: "
        "memos warm): "
        f"{checkout[1]}, of which {checkout[2]} read or write (the rest BEGIN, COMMIT and "
        f"savepoints), in {checkout[3]} round trips to PostgreSQL (statements sent together, "
        "shop.statements.sent_together, wait for one answer; libpq's trace counted).",
        "",
        "The latency is the checkout request's, which answers with the confirmation page. "
        "The load client is benchmarks/shopper_client.py (http.client, a "
        "connection and a new session per order, ~4 ms of CPU per order where python-requests, "
        "used before, took ~12 on the same cores). After "
        f"{CHECKOUT_WARMUP_SECONDS:g} s of orders by {max(CHECKOUT_SHOPPERS)} shoppers (every "
        "thread's first checkout opens its database connection), the loads take turns for "
        f"{CHECKOUT_ROUNDS} rounds of {CHECKOUT_SECONDS:g} s; each figure is the median of the "
        "rounds (orders and failures their sum). The worker runs at a lower CPU priority "
        "(WORKER_NICENESS, 10 unless set), so shoppers come first; the last columns say how "
        "far it was behind when a load stopped: orders whose e-mail was not sent yet, and the "
        "seconds until the last one was (the next load waits for it).",
        "",
        "| concurrent shoppers | orders | orders/s | p50 ms | p95 ms | p95 per round, ms "
        "| failures | e-mails unsent at the end | s until the last e-mail |",
        "|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for shoppers, rounds in results.checkouts.items():
        loads = [load for load, _ in rounds]
        backlogs = [backlog for _, backlog in rounds]
        p95s = [load.percentile(0.95) for load in loads]
        lines.append(
            f"| {shoppers} | {sum(len(load.latencies_ms) for load in loads)} "
            f"| {median(load.orders_per_second for load in loads):.1f} "
            f"| {median(load.percentile(0.5) for load in loads):.0f} | {median(p95s):.0f} "
            f"| {', '.join(f'{p95:.0f}' for p95 in p95s)} "
            f"| {sum(load.failures for load in loads)} "
            f"| {median(backlog.unsent for backlog in backlogs):.0f} "
            f"| {median(backlog.seconds for backlog in backlogs):.1f} |"
        )
    return lines


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench installs it with apt)", file=sys.stderr)
        return 2
    results = Results()
    run(results)
    text = report(results)
    Path(os.environ.get("BENCH_REPORT", ROOT / "BENCHMARKS.md")).write_text(text)
    print(text)
    errors = sum(measured.errors for measured in results.pages.values())
    failures = sum(load.failures for rounds in results.checkouts.values() for load, _ in rounds)
    return 1 if errors or failures else 0


if __name__ == "__main__":
    sys.exit(main())
