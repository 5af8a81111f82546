"""Two trees' gRPC servers measured interleaved on one PostgreSQL and Redis (`make bench`'s gRPC
section, before/after a change): `python -m benchmarks.rpc_compare BASE_TREE THIS_TREE`.

Each tree's `grpcserve --workers 2` runs from its own checkout on the same database, and every
method is called on one tree then the other within each round, so both see the same load on
this shared machine. Beside calls/s and the ratio to the same server's empty method: CPU per
call of the server's processes, of the client, and of PostgreSQL (its postmaster and backends:
what a charge's INSERT costs the database, which the other columns leave out).

Environment: RPC_COMPARE_METHODS (names of `benchmarks.rpc.METHODS`, or "Charge, keyed": a
charge with an idempotency key, as checkout sends it; separated by ";"; default the empty
method and Charge), RPC_COMPARE_ROUNDS (5), RPC_COMPARE_SECONDS (2.5).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import uuid
from pathlib import Path

import psutil

from benchmarks import rpc
from loadgen.stack import _createdb, shop_env
from testing.servers import PostgresServer, RedisServer, free_port, wait_for_port

EMPTY = "empty (Health.Check)"


def keyed_charge(channel) -> None:
    """A Charge as the shop's checkout sends it: with an idempotency key (a new one per call),
    so the voided-key check runs after the insert."""
    request = rpc.pb.ChargeRequest(amount=rpc.USD_19_99, credit_card=rpc.CARD)
    metadata = (("idempotency-key", f"bench-{uuid.uuid4().hex}"),)
    rpc.pb_grpc.PaymentServiceStub(channel).Charge(request, timeout=5, metadata=metadata)


METHODS = {**rpc.METHODS, "Charge, keyed": keyed_charge}


def postgres_cpu_seconds(postgres: PostgresServer) -> float:
    """The cluster's CPU time: the postmaster, its live children (backends, WAL writer, ...)
    and the children it has reaped (a backend whose connection closed)."""
    pid = int(Path(postgres.data, "postmaster.pid").read_text().split()[0])
    main = psutil.Process(pid)
    times = main.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in main.children():
        try:
            each = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += each.user + each.system
    return total


def serve(tree: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "grpcserve", "--port", str(port),
         "--workers", str(rpc.SERVER_WORKERS)],
        cwd=tree, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_port(port, timeout=60)
    return server, f"127.0.0.1:{port}"


def main(trees: list[Path]) -> None:
    names = os.environ.get("RPC_COMPARE_METHODS", f"{EMPTY};Charge").split(";")
    rounds = int(os.environ.get("RPC_COMPARE_ROUNDS", "5"))
    rpc.SECONDS = float(os.environ.get("RPC_COMPARE_SECONDS", "2.5"))
    postgres, redis = PostgresServer(), RedisServer()
    servers: list[subprocess.Popen] = []
    try:
        _createdb(postgres)
        env = shop_env(postgres.url, redis.url)
        for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=trees[0], env=env,
                           check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        addresses = []
        for tree in trees:
            server, address = serve(tree, env)
            servers.append(server)
            addresses.append((tree, address, psutil.Process(server.pid)))
        results: dict[tuple[str, str], list[tuple[float, float, float, float]]] = {}
        for number in range(rounds):
            for name in names:
                for tree, address, process in addresses:
                    before = postgres_cpu_seconds(postgres)
                    run = rpc.run(address, process, METHODS[name])
                    calls = run.calls_per_second * rpc.SECONDS
                    database = (postgres_cpu_seconds(postgres) - before) / calls * 1e6
                    row = (run.calls_per_second, run.server_cpu_us, run.client_cpu_us, database)
                    results.setdefault((str(tree), name), []).append(row)
                    print(f"round {number + 1} {tree.name} {name}: {row[0]:.0f}/s, server "
                          f"{row[1]:.0f}, client {row[2]:.0f}, postgres {row[3]:.0f} µs/call",
                          file=sys.stderr, flush=True)  # fmt: skip
        print("| tree | method | calls/s | ratio (median of rounds' ratios) | server | client | "
              "postgres (µs per call) |")  # fmt: skip
        print("|---|---|---|---|---|---|---|")
        for tree, _, _ in addresses:
            empties = results[(str(tree), EMPTY)]
            for name in names:
                rows = results[(str(tree), name)]
                ratios = [row[0] / empty[0] for row, empty in zip(rows, empties, strict=True)]
                medians = [statistics.median(column) for column in zip(*rows, strict=True)]
                print(f"| {tree.name} | {name} | {medians[0]:.0f} | "
                      f"{statistics.median(ratios):.2f} ({', '.join(f'{r:.2f}' for r in ratios)})"
                      f" | {medians[1]:.0f} | {medians[2]:.0f} | {medians[3]:.0f} |")  # fmt: skip
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        redis.stop()
        postgres.stop()


if __name__ == "__main__":
    main([Path(tree).resolve() for tree in sys.argv[1:]] or [rpc.ROOT])
