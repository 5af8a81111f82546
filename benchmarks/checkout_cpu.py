"""Checkout under load, with the CPU each process group spends per order: the steady number on a
shared machine, where latency swings with the neighbours' load.

    python benchmarks/checkout_cpu.py [--seconds 10] [--shoppers 4] [--rounds 2] ROOT [ROOT...]

Each ROOT is a checkout of the shop (this worktree, or /work/main for the baseline), optionally
followed by settings for its stack's environment: `ROOT,WORKER_NICENESS=0` (the same tree may be
given twice with different settings); a stack
(PostgreSQL, Redis, gunicorn 2 x 4, a Celery worker) is started for each, all at once, and the
load (benchmarks.shoppers.checkout_load) goes to them in turns, round after round, so the trees
are compared under the same machine load. Per round and tree it prints p50/p95 of the checkout
request, orders/s, and CPU ms per order of gunicorn's workers, the Celery worker, PostgreSQL,
Redis and the client (psutil: user + system time over the round, divided by orders), and how
far the worker fell behind: the orders whose e-mail was not yet sent when the load stopped, the
tasks still waiting in the broker's queue then, and the seconds until the last e-mail was sent
(the round's CPU is read after that, so the worker's share includes its catching up)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import statistics
import sys
from pathlib import Path

import psutil

# This tree's, whichever trees are measured (each tree's own modules are loaded by _load).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.shoppers import email_backlog  # noqa: E402

sys.path.pop(0)
GROUPS = ("web", "celery", "postgres", "redis", "client")


def _load(root: Path):
    """The tree's loadgen.stack and benchmarks.shoppers (modules of the same names, so each
    tree is imported in turn and its modules kept)."""
    sys.path.insert(0, str(root))
    for name in [n for n in sys.modules if n.split(".")[0] in ("loadgen", "benchmarks", "testing")]:
        del sys.modules[name]
    stack = importlib.import_module("loadgen.stack")
    shoppers = importlib.import_module("benchmarks.shoppers")
    # A busy machine starts gunicorn slower than the stack's 30 s allow.
    wait = stack.wait_for_port
    stack.wait_for_port = lambda port, timeout=0: wait(port, timeout=180)
    sys.path.remove(str(root))
    return stack, shoppers


def _groups(stack) -> dict[str, list[psutil.Process]]:
    """The processes of one stack by group: gunicorn's workers (its master's children), the
    Celery worker with its pool, PostgreSQL (the cluster on the database URL's port) and Redis."""
    web = psutil.Process(stack.web_pid).children()
    pg_port = stack.env["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0]
    redis_port = stack.env["REDIS_URL"].rsplit(":", 1)[1].split("/")[0]
    groups: dict[str, list[psutil.Process]] = {"web": web, "celery": [], "postgres": []}
    groups["redis"] = []
    for process in psutil.process_iter(["cmdline", "name"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        worker = "celery" in cmdline and " worker" in cmdline
        if worker and _env_has(process, stack.env["REDIS_URL"]):
            groups["celery"].append(process)
        elif process.info["name"] == "redis-server" and f":{redis_port}" in cmdline:
            groups["redis"].append(process)
        elif process.info["name"] == "postgres" and f" -p {pg_port} " in f" {cmdline} ":
            groups["postgres"] = [process, *process.children()]
    return groups


def _env_has(process: psutil.Process, redis_url: str) -> bool:
    with contextlib.suppress(psutil.Error):
        return process.environ().get("CELERY_BROKER_URL") == redis_url
    return False


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def _postgres_cpu(processes: list[psutil.Process]) -> float:
    """The postmaster's and its live backends' CPU, plus what its ended backends spent (a
    connection per task ends its backend within the round: counted when reaped)."""
    postmaster = processes[0]
    with contextlib.suppress(psutil.Error):
        times = postmaster.cpu_times()
        return _cpu(processes) + times.children_user + times.children_system
    return _cpu(processes)


def _sessions(stack) -> int:
    """Connections PostgreSQL has accepted so far into the shop's database (pg_stat_database)."""
    import psycopg

    with psycopg.connect(stack.env["DATABASE_URL"].replace("postgres://", "postgresql://")) as db:
        return db.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()[0]


def _round(stack, shoppers_module, shoppers: int, seconds: float) -> dict[str, float]:
    groups = _groups(stack)
    groups["client"] = [psutil.Process()]
    # Backends come and go; PostgreSQL's are re-listed after the run and compared by pid.
    before = {name: {p.pid: _cpu([p]) for p in procs} for name, procs in groups.items()}
    postgres_before = _postgres_cpu(groups["postgres"])
    sessions_before = _sessions(stack)
    load = shoppers_module.checkout_load(stack.url, shoppers, seconds)
    backlog = email_backlog(stack.env)
    after_groups = _groups(stack)
    after_groups["client"] = [psutil.Process()]
    orders = max(1, len(load.latencies_ms))
    result = {
        "orders": len(load.latencies_ms),
        "failures": load.failures,
        "orders/s": load.orders_per_second,
        "p50": load.percentile(0.5),
        "p95": load.percentile(0.95),
        "unsent at end": backlog.unsent,
        "queued at end": backlog.queued,
        "s to last e-mail": backlog.seconds,
    }
    # Less this measurement's own connections (the backlog's and the count's).
    result["db sessions/order"] = (_sessions(stack) - sessions_before - 2) / orders
    for name in GROUPS:
        spent = sum(_cpu([p]) - before[name].get(p.pid, 0.0) for p in after_groups[name])
        if name == "postgres":
            spent = _postgres_cpu(after_groups[name]) - postgres_before
        result[f"{name} ms/order"] = spent * 1000 / orders
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("roots", nargs="+", help="ROOT[,NAME=VALUE...]")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--shoppers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with contextlib.ExitStack() as exit_stack:
        trees = []
        for name in args.roots:
            root, *settings = name.split(",")
            stack_module, shoppers_module = _load(Path(root).resolve())
            environment = dict(setting.split("=", 1) for setting in settings)
            stack = exit_stack.enter_context(
                stack_module.shop_stack(celery_worker=True, **environment)
            )
            shoppers_module.checkout_load(stack.url, args.shoppers, 2)  # warm every thread
            email_backlog(stack.env)
            trees.append((name, stack, shoppers_module))
        results: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in trees}
        for number in range(args.rounds):
            for name, stack, shoppers_module in trees:
                result = _round(stack, shoppers_module, args.shoppers, args.seconds)
                results[name].append(result)
                shown = "  ".join(f"{k} {v:.1f}" for k, v in result.items())
                print(f"round {number + 1} {name}: {shown}", flush=True)
        for name, rounds in results.items():
            medians = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
            shown = "  ".join(f"{k} {v:.1f}" for k, v in medians.items())
            print(f"median {name}: {shown}", flush=True)


if __name__ == "__main__":
    main()
