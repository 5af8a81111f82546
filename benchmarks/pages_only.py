"""The pages part of `make bench` alone, for working on the storefront's speed:

    BENCH_SIZES=9,100000 BENCH_SECONDS=3 python -m benchmarks.pages_only

The same stack, shopper, pages and interleaved rounds as benchmarks.run, without the checkout
load, memory, search latency and the other sections; prints the pages' ratios to the hello
project and the database queries per page, writes nothing."""

from __future__ import annotations

import sys

from loadgen.stack import shop_stack

from .pages import GUNICORN, Page, hello_project, progress
from .run import CACHE_STATE, PATHS, SIZES, Results, measure_at_size, seed_to
from .shoppers import query_counts, shopper_cookie


def main() -> int:
    results = Results()
    with hello_project() as (hello_url, _), shop_stack(**GUNICORN) as stack:
        cookie = shopper_cookie(stack.url)
        for size in SIZES:
            if size > 9:
                progress(f"seeding up to {size:,} products")
                seed_to(stack.env, size)
            measure_at_size(results, size, Page(hello_url), stack.url, cookie)
            results.queries[size] = query_counts(stack.env, list(PATHS.values()))
    print("| page | visitor | products | cache state | requests/s | ratio to hello | errors |")
    print("|---|---|---:|---|---:|---:|---:|")
    for (size, who, name), measured in results.pages.items():
        print(
            f"| {PATHS.get(name, name)} | {who} | {size:,} | {CACHE_STATE.get((who, name), '')} "
            f"| {measured.rps:.0f} | {measured.ratio:.2f} | {measured.errors} |"
        )
    print("\n| page | " + " | ".join(f"{size:,} products" for size in SIZES) + " |")
    for name in results.queries[SIZES[0]]:
        cells = [f"{results.queries[size][name][1]}" for size in SIZES]
        print(f"| `{name}` | " + " | ".join(cells) + " |")
    return 1 if any(measured.errors for measured in results.pages.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
