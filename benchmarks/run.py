"""`make bench`: one run on this machine, reported as ratios, written to BENCHMARKS.md.

- HTTP: home, product and cart pages against a bare Django "hello" view, same gunicorn settings
  (wrk, fixed connections and duration).
- Checkout latency p50/p95 (sequential real checkouts).
- gRPC: Convert and GetProduct throughput against the health service's Check (an empty method)
  on the same server settings.
- Search latency at 1,000 and 100,000 products (PostgreSQL).
- Database queries per page at both catalog sizes.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import grpc
import requests
from grpc_health.v1 import health_pb2, health_pb2_grpc

from loadgen.stack import ROOT, shop_stack
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from testing.servers import free_port, wait_for_port

PRODUCT = "OLJCESPC7Z"
WRK_SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
# The machine is shared: pages are measured in interleaved rounds and each keeps its median.
WRK_ROUNDS = 3
WRK_CONNECTIONS = 16
GUNICORN = {"workers": 2, "threads": 4}
QUERY_COUNT_SCRIPT = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
client.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": 1})
counts = {}
for path in ["/", "/product/OLJCESPC7Z", "/cart", "/search?q=mug"]:
    client.get(path)  # warm caches the way a running shop has them
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    counts[path] = [status, len(queries)]
print("QUERIES", json.dumps(counts))
"""


def wrk(url: str, cookie: str | None = None, seconds: int = WRK_SECONDS) -> tuple[float, int]:
    """Requests per second and the number of non-2xx/3xx answers."""
    command = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rps, int(errors.group(1)) if errors else 0


def measure_pages(pages: dict[str, tuple[str, str | None]]) -> dict[str, tuple[float, int]]:
    """Median requests/s and total errors per page over interleaved rounds."""
    # Every worker and thread warms its caches first, as in a shop that has been running.
    for url, cookie in pages.values():
        wrk(url, cookie, seconds=1)
    rounds: dict[str, list[tuple[float, int]]] = {name: [] for name in pages}
    for _ in range(WRK_ROUNDS):
        for name, (url, cookie) in pages.items():
            rounds[name].append(wrk(url, cookie))
            progress(f"{name}: {rounds[name][-1]}")
    return {
        name: (statistics.median(rps for rps, _ in runs), sum(errors for _, errors in runs))
        for name, runs in rounds.items()
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def checkout_latencies(base: str, count: int = 30) -> list[float]:
    timings = []
    for n in range(count):
        session = requests.Session()
        session.post(f"{base}/cart", {"product_id": PRODUCT, "quantity": 2})
        form = {
            "email": f"bench{n}@example.com", "street_address": "1 Main St", "zip_code": "94043",
            "city": "Mountain View", "state": "CA", "country": "United States",
            "credit_card_number": "4432801561520454", "credit_card_expiration_month": "1",
            "credit_card_expiration_year": str(date.today().year + 2), "credit_card_cvv": "672",
        }  # fmt: skip
        started = time.perf_counter()
        response = session.post(f"{base}/cart/checkout", form)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"checkout answered {response.status_code}")
    return timings


def grpc_throughput(address: str, call, seconds: float = 5, threads: int = 8) -> float:
    channel = grpc.insecure_channel(address)
    stop = time.monotonic() + seconds
    counts = [0] * threads

    def worker(index: int) -> None:
        while time.monotonic() < stop:
            call(channel)
            counts[index] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    channel.close()
    return sum(counts) / seconds


def health_check(channel) -> None:
    health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)


def convert(channel) -> None:
    money = pb.Money(currency_code="USD", units=19, nanos=990_000_000)
    request = pb.CurrencyConversionRequest(**{"from": money}, to_code="EUR")
    pb_grpc.CurrencyServiceStub(channel).Convert(request, timeout=5)


def get_product(channel) -> None:
    request = pb.GetProductRequest(id=PRODUCT)
    pb_grpc.ProductCatalogServiceStub(channel).GetProduct(request, timeout=5)


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin,
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def query_counts(env: dict) -> dict:
    """Queries per page, measured in a Django shell on the benchmark's database."""
    output = manage(env, "shell", "-v0", stdin=QUERY_COUNT_SCRIPT)
    return json.loads(output.split("QUERIES ", 1)[1])


def search_latency(env: dict) -> str:
    """benchmarks/search_latency.py on the shop's database: it seeds up to each size itself."""
    return subprocess.run(
        [sys.executable, "benchmarks/search_latency.py", "--sizes", "1000,100000",
         "--database-url", env["DATABASE_URL"]],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


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


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench installs it with apt)", file=sys.stderr)
        return 2
    results: dict = {}
    settings = {"DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    with shop_stack(**GUNICORN, **settings) as stack:
        base = stack.url
        cart = requests.Session()
        cart.post(f"{base}/cart", {"product_id": PRODUCT, "quantity": 2})
        cookie = "; ".join(f"{k}={v}" for k, v in cart.cookies.items())
        pages = {
            "hello": (f"{base}/_bench/hello", None),
            "home": (f"{base}/", None),
            "product": (f"{base}/product/{PRODUCT}", None),
            "cart": (f"{base}/cart", cookie),
        }
        results["http"] = measure_pages(pages)
        results["checkout_ms"] = checkout_latencies(base)
        results["queries_small"] = query_counts(stack.env)
        progress("checkout and queries per page measured")
        port = free_port()
        grpc_server = subprocess.Popen(
            [sys.executable, "manage.py", "grpcserve", "--port", str(port)],
            cwd=ROOT, env=stack.env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for_port(port, timeout=30)
            address = f"127.0.0.1:{port}"
            results["grpc"] = {
                "empty (Health.Check)": grpc_throughput(address, health_check),
                "Convert": grpc_throughput(address, convert),
                "GetProduct": grpc_throughput(address, get_product),
            }
        finally:
            grpc_server.terminate()
            grpc_server.wait(15)
        progress(f"gRPC: {results['grpc']}; seeding to 1,000 then 100,000 products")
        results["search"] = search_latency(stack.env)
        results["queries_large"] = query_counts(stack.env)
        large = measure_pages({"hello": pages["hello"], "home": pages["home"]})
        # Reported against the hello measured in this same round, not the first one.
        hello_ratio = results["http"]["hello"][0] / large["hello"][0]
        rps, errors = large["home"]
        results["http"]["home, 100,000 products"] = (rps * hello_ratio, errors)
    write_report(results)
    print(Path(ROOT / "BENCHMARKS.md").read_text())
    errors = sum(errors for _rps, errors in results["http"].values())
    return 1 if errors else 0


def write_report(results: dict) -> None:
    http = results["http"]
    hello = http["hello"][0]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {date.today().isoformat()} by `make bench` in one run on: {machine()}.",
        f"gunicorn {GUNICORN['workers']} workers x {GUNICORN['threads']} threads, PostgreSQL, "
        f"Redis; wrk -t2 -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s per page, median of {WRK_ROUNDS} "
        "interleaved rounds after a 1 s warm-up; the 100,000-product home page is scaled to the "
        "first hello (hello measured again beside it).",
        "",
        "## Pages against a bare Django hello view (same gunicorn)",
        "",
        "| page | requests/s | ratio to hello | errors |",
        "|---|---|---|---|",
    ]
    for name, (rps, errors) in http.items():
        lines.append(f"| {name} | {rps:.0f} | {rps / hello:.2f} | {errors} |")
    checkout = results["checkout_ms"]
    lines += [
        "",
        "## Checkout latency (sequential, each a real order: cart, charge, shipment, e-mail)",
        "",
        f"p50 {percentile(checkout, 0.5):.0f} ms, p95 {percentile(checkout, 0.95):.0f} ms "
        f"over {len(checkout)} orders.",
        "",
        "## gRPC throughput against an empty method (same server, 8 client threads)",
        "",
        "| method | calls/s | ratio to empty |",
        "|---|---|---|",
    ]
    empty = results["grpc"]["empty (Health.Check)"]
    for name, rate in results["grpc"].items():
        lines.append(f"| {name} | {rate:.0f} | {rate / empty:.2f} |")
    lines += [
        "",
        "## Search latency (benchmarks/search_latency.py on the same database)",
        "",
        "One page of results (count, rows, categories) as the storefront and the API run it; the",
        "last column is the same query with bitmap scans off (the trigram indexes unused).",
        "",
        results["search"],
        "",
        "## Database queries per page (status, queries)",
        "",
        "| page | 9 products | 100,000 products |",
        "|---|---|---|",
    ]
    for path, small in results["queries_small"].items():
        large = results["queries_large"][path]
        lines.append(f"| `{path}` | {small[1]} ({small[0]}) | {large[1]} ({large[0]}) |")
    lines.append("")
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
