"""gRPC throughput of our services against an empty method on the same server (`make bench`'s
gRPC section; alone: `python -m benchmarks.rpc`).

Each method is called by 8 client threads, each on a connection of its own (a server of several
processes sharing the port gets its calls spread over the connections, as the replicas of a
Service do), for a fixed time, in interleaved rounds; the median of the rounds is reported. The
empty method is the health service's `Check`, served by the same processes: the ratio is what our
work costs over gRPC's own. Beside the rate, the CPU time per call of the server's processes and
of the client (steadier than a rate on a shared machine): client and server share the cores, so
the rate of any method is bounded by what the two cost together per call.

With RPC_BENCH_ORIGINAL_CURRENCY set to the address of the original's currency service (the
Node one, started by hand: no original code is in this project), the empty method and `Convert`
are also called on it, in the same rounds, right after ours, with the same client.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date

import grpc
import psutil
from grpc_health.v1 import health_pb2, health_pb2_grpc

from loadgen.stack import ROOT, shop_stack
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from testing.servers import free_port, wait_for_port

PRODUCT = "OLJCESPC7Z"
CLIENT_THREADS = 8
SECONDS = 3.0
ROUNDS = 3
# Server processes of `grpcserve --workers`: one per core of this machine class.
SERVER_WORKERS = 2
ADDRESS = pb.Address(
    street_address="1600 Amphitheatre Parkway", city="Mountain View", state="CA",
    country="United States", zip_code=94043,
)  # fmt: skip
CARD = pb.CreditCardInfo(
    credit_card_number="4432801561520454", credit_card_cvv=672,
    credit_card_expiration_year=date.today().year + 2, credit_card_expiration_month=1,
)  # fmt: skip
USD_19_99 = pb.Money(currency_code="USD", units=19, nanos=990_000_000)


def health_check(channel: grpc.Channel) -> None:
    health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)


def get_product(channel: grpc.Channel) -> None:
    request = pb.GetProductRequest(id=PRODUCT)
    pb_grpc.ProductCatalogServiceStub(channel).GetProduct(request, timeout=5)


def convert(channel: grpc.Channel) -> None:
    request = pb.CurrencyConversionRequest(**{"from": USD_19_99}, to_code="EUR")
    pb_grpc.CurrencyServiceStub(channel).Convert(request, timeout=5)


def charge(channel: grpc.Channel) -> None:
    # No idempotency key, as the original's checkout calls it: each call is a new charge.
    request = pb.ChargeRequest(amount=USD_19_99, credit_card=CARD)
    pb_grpc.PaymentServiceStub(channel).Charge(request, timeout=5)


def get_quote(channel: grpc.Channel) -> None:
    items = [pb.CartItem(product_id=PRODUCT, quantity=2)]
    request = pb.GetQuoteRequest(address=ADDRESS, items=items)
    pb_grpc.ShippingServiceStub(channel).GetQuote(request, timeout=5)


def add_item(channel: grpc.Channel) -> None:
    # A cart of its own per call: one cart would reach the per-line quantity limit.
    item = pb.CartItem(product_id=PRODUCT, quantity=1)
    request = pb.AddItemRequest(user_id=f"bench-{uuid.uuid4().hex}", item=item)
    pb_grpc.CartServiceStub(channel).AddItem(request, timeout=5)


def get_cart(channel: grpc.Channel) -> None:
    pb_grpc.CartServiceStub(channel).GetCart(pb.GetCartRequest(user_id="bench-cart"), timeout=5)


def fill_cart(channel: grpc.Channel) -> None:
    """The cart GetCart reads: two lines, as a shopper's."""
    stub = pb_grpc.CartServiceStub(channel)
    for product_id in (PRODUCT, "66VCHSJNUP"):
        item = pb.CartItem(product_id=product_id, quantity=1)
        stub.AddItem(pb.AddItemRequest(user_id="bench-cart", item=item), timeout=5)


METHODS: dict[str, Callable[[grpc.Channel], None]] = {
    "empty (Health.Check)": health_check,
    "GetProduct": get_product,
    "Convert": convert,
    "Charge": charge,
    "GetQuote": get_quote,
    "AddItem": add_item,
    "GetCart": get_cart,
}


# The original's currency service to compare `Convert` with (host:port), and what is asked of it.
ORIGINAL_CURRENCY_ENV = "RPC_BENCH_ORIGINAL_CURRENCY"
ORIGINAL_METHODS = ("empty (Health.Check)", "Convert")


def channel(address: str) -> grpc.Channel:
    # A connection of its own: channels to one address otherwise share the process's subchannel.
    return grpc.insecure_channel(address, options=[("grpc.use_local_subchannel_pool", 1)])


@dataclass(frozen=True)
class Run:
    calls_per_second: float
    server_cpu_us: float  # per call, the server's processes together
    client_cpu_us: float  # per call, this process

    @property
    def client_cores(self) -> float:
        """How many cores the client kept busy: near 1, its one interpreter is the limit (its
        threads take turns running Python)."""
        return self.client_cpu_us * self.calls_per_second / 1e6


def cpu_seconds(process: psutil.Process | None, *, children: bool = True) -> float:
    """CPU time of a process and, unless told not to, its children (grpcserve --workers forks
    them; this process's children are the shop's servers, not the client); NaN for a server
    this bench cannot see."""
    if process is None:
        return math.nan
    total = 0.0
    for each in [process, *(process.children(recursive=True) if children else ())]:
        times = each.cpu_times()
        total += times.user + times.system
    return total


def run(address: str, server: psutil.Process | None, call: Callable[[grpc.Channel], None]) -> Run:
    me = psutil.Process()
    server_before, client_before = cpu_seconds(server), cpu_seconds(me, children=False)
    rate = calls_per_second(address, call)
    calls = rate * SECONDS
    return Run(
        calls_per_second=rate,
        server_cpu_us=(cpu_seconds(server) - server_before) / calls * 1e6,
        client_cpu_us=(cpu_seconds(me, children=False) - client_before) / calls * 1e6,
    )


def calls_per_second(address: str, call: Callable[[grpc.Channel], None]) -> float:
    channels = [channel(address) for _ in range(CLIENT_THREADS)]
    for own in channels:
        call(own)  # connected and warm before the clock starts
    counts = [0] * CLIENT_THREADS
    stop = time.monotonic() + SECONDS

    def worker(index: int) -> None:
        while time.monotonic() < stop:
            call(channels[index])
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for own in channels:
        own.close()
    return sum(counts) / SECONDS


def listening_process(address: str) -> psutil.Process | None:
    """The process listening on the address's port, when this bench may see it."""
    port = int(address.rsplit(":", 1)[1])
    try:
        for connection in psutil.net_connections(kind="tcp"):
            if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port:
                return psutil.Process(connection.pid) if connection.pid else None
    except psutil.AccessDenied:
        pass
    return None


def original_key(name: str) -> str:
    return f"{name}, original"


def measure(address: str, server_pid: int, original: str | None = None) -> dict[str, Run]:
    """Per method, the medians over interleaved rounds (the machine is shared); with `original`
    (an address), also ORIGINAL_METHODS on it, each right after ours."""
    server = psutil.Process(server_pid)
    original_server = listening_process(original) if original else None
    with channel(address) as setup:
        fill_cart(setup)
    rounds: dict[str, list[Run]] = {name: [] for name in METHODS}
    for _ in range(ROUNDS):
        for name, call in METHODS.items():
            targets = [(name, address, server)]
            if original and name in ORIGINAL_METHODS:
                targets.append((original_key(name), original, original_server))
            for key, where, process in targets:
                last = run(where, process, call)
                rounds.setdefault(key, []).append(last)
                print(
                    f"bench: gRPC {key}: {last.calls_per_second:.0f}/s, server "
                    f"{last.server_cpu_us:.0f} µs/call, client {last.client_cpu_us:.0f} µs/call",
                    file=sys.stderr, flush=True,
                )  # fmt: skip
    return {
        name: Run(*(statistics.median(getattr(each, f.name) for each in runs) for f in fields(Run)))
        for name, runs in rounds.items()
    }


def serve(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "grpcserve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_port(port, timeout=60)
    return server, f"127.0.0.1:{port}"


def section(context) -> str:
    """The markdown of BENCHMARKS.md's gRPC section; `context.env` is the environment of a shop
    on a migrated database holding the demo data (PostgreSQL, Redis)."""
    original = os.environ.get(ORIGINAL_CURRENCY_ENV) or None
    server, address = serve(context.env, SERVER_WORKERS)
    try:
        runs = measure(address, server.pid, original)
    finally:
        server.terminate()
        server.wait(15)
    empty = runs["empty (Health.Check)"].calls_per_second
    lines = [
        "## gRPC throughput against an empty method (same server)",
        "",
        f"`grpcserve --workers {SERVER_WORKERS}` serving every service; {CLIENT_THREADS} client "
        f"threads, each on its own connection, {SECONDS:.0f} s per method, median of {ROUNDS} "
        "interleaved rounds. Caches warm (rates, products: the first call fills them). Charge "
        "records each charge in PostgreSQL; AddItem writes a new cart in Redis per call. CPU per "
        "call: the server's processes (PostgreSQL's and Redis's not counted) and the client's, "
        "which share the machine's cores. Thread pools (shop/rpc/pools.py): the empty method "
        "in a pool of 2 of its own; GetProduct, Convert, GetQuote and GetCart (answered from "
        "memory) in a pool of 2; Charge in a pool of 3; AddItem in the server's pool of 16.",
        "",
        "| method | calls/s | ratio to empty | server CPU per call | client CPU per call |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {run.calls_per_second:.0f} | {run.calls_per_second / empty:.2f} | "
        f"{run.server_cpu_us:.0f} µs | {run.client_cpu_us:.0f} µs |"
        for name, run in runs.items()
        if name in METHODS
    ]
    if original:
        lines += ["", *original_comparison(runs)]
    return "\n".join(lines) + "\n"


def original_comparison(runs: dict[str, Run]) -> list[str]:
    """The markdown comparing our `Convert` with the original's, measured in the same rounds."""
    lines = [
        "### `Convert` against the original's currency service (same client, same rounds)",
        "",
        f"The original's Node service at {ORIGINAL_CURRENCY_ENV}, called right after ours in "
        "each round. Client cores: the client's CPU per call times calls/s; near 1, the Python "
        "client's one interpreter is what limits the rate, not the server.",
        "",
        "| server | method | calls/s | server CPU per call | client CPU per call | client cores |",
        "|---|---|---|---|---|---|",
    ]
    for name in ORIGINAL_METHODS:
        for server, key in (("ours", name), ("original", original_key(name))):
            run = runs[key]
            server_cpu = "—" if math.isnan(run.server_cpu_us) else f"{run.server_cpu_us:.0f} µs"
            lines.append(
                f"| {server} | {name} | {run.calls_per_second:.0f} | {server_cpu} | "
                f"{run.client_cpu_us:.0f} µs | {run.client_cores:.2f} |"
            )
    return lines


if __name__ == "__main__":
    with shop_stack(workers=1, threads=1) as stack:
        print(section(stack))
