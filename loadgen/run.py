"""`make load`: the original's traffic mix, headless, against a local production-shaped shop.

    python -m loadgen.run [--users 20] [--spawn-rate 5] [--seconds 30]

Prints requests, failures, requests per second and latency percentiles per route (and what
failed, if anything), and exits non-zero when any request failed.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from loadgen.stack import ROOT, shop_stack

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass(frozen=True)
class LoadResult:
    routes: list[dict[str, str]]  # Locust's stats rows, one per route, plus "Aggregated"
    errors: list[dict[str, str]]  # Locust's failure rows: Method, Name, Error, Occurrences

    @property
    def total(self) -> dict[str, str]:
        return next(row for row in self.routes if row["Name"] == "Aggregated")

    @property
    def requests(self) -> int:
        return int(self.total["Request Count"])

    @property
    def failures(self) -> int:
        return int(self.total["Failure Count"])


def run_locust(url: str, *, users: int, spawn_rate: int, seconds: int) -> LoadResult:
    """Runs the locustfile headless against the shop at `url`."""
    with tempfile.TemporaryDirectory() as out:
        prefix = f"{out}/stats"
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
             "--host", url, "-u", str(users), "-r", str(spawn_rate),
             "--run-time", f"{seconds}s", "--csv", prefix, "--only-summary",
             "--exit-code-on-error", "0", "--stop-timeout", "5"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        with open(f"{prefix}_stats.csv") as stats, open(f"{prefix}_failures.csv") as errors:
            return LoadResult(list(csv.DictReader(stats)), list(csv.DictReader(errors)))


def report(result: LoadResult) -> str:
    header = (
        f"{'route':32} {'requests':>8} {'failures':>8} {'rps':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
    )
    lines = [header]
    for row in result.routes:
        lines.append(
            f"{(row['Type'] + ' ' + row['Name'])[:32]:32} {row['Request Count']:>8} "
            f"{row['Failure Count']:>8} {float(row['Requests/s']):7.1f} {row['50%']:>6} "
            f"{row['95%']:>6} {row['99%']:>6}"
        )
    lines.append("(latencies in ms)")
    for error in result.errors:
        lines.append(
            f"FAILED {error['Occurrences']}x {error['Method']} {error['Name']}: {error['Error']}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    with shop_stack() as stack:
        result = run_locust(
            stack.url, users=args.users, spawn_rate=args.spawn_rate, seconds=args.seconds
        )
    print(report(result))
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
