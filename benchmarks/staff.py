"""Staff pages at 1,000 and at 1,000,000 orders on PostgreSQL (`make bench`'s staff section;
alone: `python -m benchmarks.staff`).

Each size has a database of its own beside the shop's, migrated and with the demo data, so the
two differ only in their orders. The orders are written in bulk by SQL (generate_series), one
every 90 seconds back from now: the 1,000 newest cover the last day, the million about three
years; each has one line. The pages are asked through Django's test client, as a logged-in
superuser, by one process per database (no HTTP server: the time is the page's own), the two
sizes in turns request by request (the machine is shared and its load moves); the median is
reported. The sales dashboard's ledger is recounted from the seeded orders
(`manage.py sales_rebuild`).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from loadgen.stack import ROOT, shop_stack

SIZES = (1_000, 1_000_000)
SEED_BATCH = 250_000
ORDER_SECONDS = 90
# The status filter shows the refunded orders: one in ten, the rarest kind a list shows, and
# so a full page (100) at 1,000 orders as at a million: the ratio compares the same page, not
# a page of 50 rows with one of 100 (rendering the rows is most of the page's time).
# The admin's index reads no order: the yardstick each page's time is divided by, so a machine
# busier during one size than the other does not pass for the pages' own growth.
YARDSTICK = "admin index (reads no order)"
PAGES = {
    YARDSTICK: "/admin/",
    "admin order list": "/admin/checkout/order/",
    "admin list, status filter": "/admin/checkout/order/?status__exact=refunded",
    "admin list, e-mail search": "/admin/checkout/order/?q=customer500%40example.com",
    "sales dashboard": "/admin/sales/",
    "orders API": "/api/v1/orders/",
}
REPEATS = 21

# Ids are made from the row number, so a batch never collides with an earlier one.
SEED_SQL = """
INSERT INTO checkout_order (id, user_id, email, street_address, city, state, country, zip_code,
    currency, shipping_cost, total, charge_id, tracking_id, status, failure_reason, failure_kind,
    access_token, idempotency_key, request_fingerprint, created_at, updated_at, cart_emptied_at,
    completed_at, needs_attention, attention_note)
SELECT md5('order' || n)::uuid, 'visitor' || n, 'customer' || n || '@example.com',
    n || ' Main St', 'Springfield', 'CA', 'United States', '94043',
    (ARRAY['USD', 'EUR', 'JPY', 'GBP'])[1 + n %% 4], 8.99, 20 + n %% 200,
    CASE WHEN n %% 20 = 7 THEN '' ELSE md5('charge' || n) END,
    CASE WHEN n %% 20 = 7 THEN '' ELSE 'trk-' || n END,
    (CASE n %% 20 WHEN 7 THEN 'failed' WHEN 3 THEN 'refunded' WHEN 13 THEN 'refunded'
        WHEN 5 THEN 'shipped' ELSE 'paid' END),
    '', CASE WHEN n %% 20 = 7 THEN 'declined' ELSE '' END,
    md5('token' || n), md5('key' || n), md5('fingerprint' || n),
    now() - n * interval '{seconds} seconds', now() - n * interval '{seconds} seconds',
    now() - n * interval '{seconds} seconds', now() - n * interval '{seconds} seconds',
    false, ''
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n;
INSERT INTO checkout_orderline (order_id, product_id, product_name, quantity, unit_price)
SELECT md5('order' || n)::uuid, 'OLJCESPC7Z', 'Sunglasses', 1 + n %% 3, 19.99
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n;
""".replace("{seconds}", str(ORDER_SECONDS))

# A page timer on one database: reads a path a line, answers its time in ms; pages are asked
# through Django's test client as a logged-in superuser.
TIMER_SCRIPT = """
import sys, time
from django.contrib.auth import get_user_model
from django.test import Client
User = get_user_model()
staff = User.objects.filter(username="bench-staff").first() or User.objects.create_superuser(
    "bench-staff", "staff@example.com", "unused-password")
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(staff)
for line in sys.stdin:
    for attempt in range(3):
        started = time.perf_counter()
        status = client.get(line.strip()).status_code
        elapsed = (time.perf_counter() - started) * 1000
        if status == 200:
            break
        # Sessions live in Redis: on a loaded machine a read may time out, and the admin then
        # sends us to its login page. Not the page's time: log in again and ask once more.
        client.force_login(staff)
    assert status == 200, (line, status)
    print("TIMED", elapsed, flush=True)
"""


def seed(database_url: str, first: int, last: int) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        for start in range(first, last + 1, SEED_BATCH):
            params = {"first": start, "last": min(start + SEED_BATCH - 1, last)}
            for statement in SEED_SQL.split(";\n"):
                if statement.strip():
                    connection.execute(statement, params)
        # What autovacuum does to a table after a bulk insert (PostgreSQL 13 and later), done
        # now rather than whenever it comes round during the timings: the planner's statistics,
        # and the visibility map the order list's index-only counts rely on.
        connection.execute("VACUUM ANALYZE checkout_order")
        connection.execute("VACUUM ANALYZE checkout_orderline")


def count_sales(env: dict[str, str]) -> None:
    """Orders written by SQL pass by checkout's sales ledger: recount it, as an operator does
    after a bulk import (docs/checkout-notifications.md), so the dashboard shows these orders."""
    subprocess.run([sys.executable, "manage.py", "sales_rebuild"], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip


class PageTimer:
    """A Django process on one size's database that times the pages it is asked for."""

    def __init__(self, env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-v0", "-c", TIMER_SCRIPT], cwd=ROOT,
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip

    def time(self, path: str) -> float:
        self.process.stdin.write(path + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith("TIMED "):
                return float(line.split()[1])
        raise RuntimeError(f"the page timer stopped at {path} (exit {self.process.wait()})")

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(30)


def page_times(envs: dict[int, dict[str, str]]) -> dict[int, dict[str, float]]:
    """Each page's median time per size, the sizes asked in turns request by request (which
    goes first alternating), so a burst of load on the shared machine falls on both."""
    timers = {size: PageTimer(env) for size, env in envs.items()}
    samples = {size: {name: [] for name in PAGES} for size in envs}
    try:
        for timer in timers.values():
            for path in PAGES.values():
                timer.time(path)  # warm: templates, the first connection
        for repeat in range(REPEATS):
            for name, path in PAGES.items():
                for size in sorted(envs, reverse=repeat % 2 == 1):
                    samples[size][name].append(timers[size].time(path))
    finally:
        for timer in timers.values():
            timer.close()
    return {
        size: {name: statistics.median(times) for name, times in by_page.items()}
        for size, by_page in samples.items()
    }


def size_env(env: dict[str, str], size: int) -> dict[str, str]:
    """The environment of a shop on a database (and a Redis database) of its own for `size`
    orders, migrated, with the demo data (rates, products) and no order yet."""
    import psycopg

    server = env["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"staff_{size}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    redis_db = 1 + SIZES.index(size)  # no cache entry shared with the other size or the shop
    own = {**env, "DATABASE_URL": f"{server}/{name}",
           "REDIS_URL": f"{env['REDIS_URL'].rsplit('/', 1)[0]}/{redis_db}"}  # fmt: skip
    for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=own, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    return own


def section(context) -> str:
    """The markdown of BENCHMARKS.md's staff section; `context.env` is the environment of a shop
    on PostgreSQL (each size gets a database of its own on the same server)."""
    envs = {size: size_env(context.env, size) for size in SIZES}
    started = time.monotonic()
    for size, env in envs.items():
        seed(env["DATABASE_URL"], 1, size)
        count_sales(env)
    seed_seconds = time.monotonic() - started
    results = page_times(envs)
    for size in SIZES:
        print(f"bench: staff pages at {size:,} orders: {results[size]}", file=sys.stderr)
    small, large = SIZES
    lines = [
        "## Staff pages at 1,000 and 1,000,000 orders (PostgreSQL)",
        "",
        f"Orders seeded in bulk by SQL into a database per size, then the sales ledger recounted "
        f"({seed_seconds:.0f} s), one every {ORDER_SECONDS} s back from now, one line each; pages "
        f"through Django's test client as a superuser, median of {REPEATS} after a warm-up, the "
        "two sizes asked in turns request by request (a process each). The status filter lists "
        "the refunded orders (1 in 10: a full page of 100 at both sizes), the search is one "
        "exact e-mail. The last column divides each time by the admin index's at the same size "
        "(what is left of the machine's load between the two sizes).",
        "",
        f"| page | {small:,} orders, ms | {large:,} orders, ms | ratio | ratio, to the index |",
        "|---|---:|---:|---:|---:|",
    ]
    load = results[large][YARDSTICK] / results[small][YARDSTICK]
    for name in PAGES:
        before, after = results[small][name], results[large][name]
        ratio = after / before
        lines.append(
            f"| {name} | {before:.0f} | {after:.0f} | {ratio:.1f}× | {ratio / load:.1f}× |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    with shop_stack(workers=1, threads=1) as stack:
        print(section(stack))
