"""`python -m chaos` (`make chaos`): the fault suite against a production-shaped shop it starts
itself; writes its table into docs/reliability.md and exits non-zero when any fault answered a
5xx other than 503, left the shop down, or unbalanced the books."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from chaos import report
from chaos.faults import FAULTS, by_name
from chaos.suite import Settings, run

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--window", type=float, default=8.0, help="seconds each fault lasts")
    parser.add_argument("--shoppers", type=int, default=4)
    parser.add_argument("--settle", type=float, default=150.0,
                        help="seconds the books may take to balance after a fault")  # fmt: skip
    parser.add_argument("--fault", action="append", choices=[f.name for f in FAULTS],
                        help="only these (repeatable); all by default")  # fmt: skip
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "reliability.md")
    args = parser.parse_args()
    faults = tuple(by_name(args.fault)) if args.fault else FAULTS
    settings = Settings(
        window=args.window, shoppers=args.shoppers, settle_timeout=args.settle, faults=faults
    )
    folder = Path(tempfile.mkdtemp(prefix="boutique-chaos-"))
    rows = run(folder, settings)
    report.write(args.report, rows, settings)
    print(report.table(rows, settings))
    print(f"written into {args.report}; the processes' logs are in {folder}")
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
