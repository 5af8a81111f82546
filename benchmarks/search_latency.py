"""Catalog search latency at 1,000 and 100,000 products on a throwaway PostgreSQL cluster.

    python benchmarks/search_latency.py [--sizes 1000,100000] [--repeat 20] [--database-url URL]

Starts its own cluster (testing.servers) unless given a migrated database (`make bench` passes
its shop's), migrates, seeds generated products up to each size and
times one storefront/API page of search results (count + rows + categories, as
catalog.selectors.product_page runs it), with the trigram indexes and with bitmap scans switched
off (what the same query costs without them). Prints a Markdown table; removes the cluster.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# term, category: a common word, a rare full name, a description phrase, no match, and a filter.
SEARCHES = [
    ("Walnut", None),
    ("Nordic Oak Teacup", None),
    ("finished by hand", None),
    ("no such product", None),
    ("mug", "kitchen"),
]


def timed_ms(run, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, round(0.95 * len(samples)) - 1)]


def bench(sizes: list[int], repeat: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from catalog.models import Product
    from catalog.selectors import product_page
    from catalog.services import catalog_seed

    call_command("migrate", verbosity=0)
    print("| products | search | category | matches | median ms | p95 ms | median ms, no index |")
    print("|---:|---|---|---:|---:|---:|---:|")
    for size in sizes:
        missing = size - Product.objects.count()
        if missing > 0:
            catalog_seed(count=missing, seed=size)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE catalog_product")
            cursor.execute("ANALYZE catalog_product_categories")
        for term, category in SEARCHES:

            def run(term=term, category=category):
                return product_page(query=term, category=category, per_page=24)

            matches = run().count
            median, p95 = timed_ms(run, repeat)
            with connection.cursor() as cursor:
                cursor.execute("SET enable_bitmapscan = off")
                no_index, _ = timed_ms(run, max(3, repeat // 4))
                cursor.execute("RESET enable_bitmapscan")
            print(f"| {size:,} | {term} | {category or ''} | {matches:,} | {median:.1f} | "
                  f"{p95:.1f} | {no_index:.1f} |")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", help="an existing database instead of a new cluster")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if args.database_url:
        bench_on(args.database_url, sizes, args.repeat)
        return 0

    import psycopg

    from testing.servers import postgres

    with postgres() as server:
        admin = f"postgresql://postgres@127.0.0.1:{server.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE boutique")
        bench_on(server.url, sizes, args.repeat)
    return 0


def bench_on(database_url: str, sizes: list[int], repeat: int) -> None:
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="shop.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    import django
    from django.db import connections

    django.setup()
    try:
        bench(sizes, repeat)
    finally:
        connections.close_all()


if __name__ == "__main__":
    sys.exit(main())
