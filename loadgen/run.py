"""`make load`: the original's traffic mix, headless, against a local production-shaped shop.

    python -m loadgen.run [--users 20] [--spawn-rate 5] [--seconds 30]

Prints requests, failures, requests per second and latency percentiles per route, and exits
non-zero when any request failed.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

from loadgen.stack import ROOT, shop_stack

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def run_load(*, users: int, spawn_rate: int, seconds: int) -> list[dict[str, str]]:
    with shop_stack() as stack, tempfile.TemporaryDirectory() as out:
        prefix = f"{out}/stats"
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
             "--host", stack.url, "-u", str(users), "-r", str(spawn_rate),
             "--run-time", f"{seconds}s", "--csv", prefix, "--only-summary",
             "--exit-code-on-error", "0", "--stop-timeout", "5"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        with open(f"{prefix}_stats.csv") as stats:
            return list(csv.DictReader(stats))


def report(rows: list[dict[str, str]]) -> str:
    header = (
        f"{'route':32} {'requests':>8} {'failures':>8} {'rps':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
    )
    lines = [header]
    for row in rows:
        lines.append(
            f"{(row['Type'] + ' ' + row['Name'])[:32]:32} {row['Request Count']:>8} "
            f"{row['Failure Count']:>8} {float(row['Requests/s']):7.1f} {row['50%']:>6} "
            f"{row['95%']:>6} {row['99%']:>6}"
        )
    return "\n".join(lines) + "\n(latencies in ms)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    rows = run_load(users=args.users, spawn_rate=args.spawn_rate, seconds=args.seconds)
    print(report(rows))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return 1 if int(total["Failure Count"]) else 0


if __name__ == "__main__":
    sys.exit(main())
