"""What shoppers do, for `make bench`: a session with a cart of two lines in euros, concurrent
checkouts (each a real order: cart, charge, shipment; the e-mail goes through the broker to a
Celery worker), and the database queries each page and a checkout costs."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date

import requests

from loadgen.stack import ROOT

from .shopper_client import ShopperClient

CART = {"OLJCESPC7Z": 1, "66VCHSJNUP": 2}
CURRENCY = "EUR"
FORM = {
    "email": "bench@example.com", "street_address": "1 Main St", "zip_code": "94043",
    "city": "Mountain View", "state": "CA", "country": "United States",
    "credit_card_number": "4432801561520454", "credit_card_expiration_month": "1",
    "credit_card_expiration_year": str(date.today().year + 2), "credit_card_cvv": "672",
}  # fmt: skip

# Run in a Django shell on the benchmark's database and settings (tasks go to the broker, so a
# checkout's count is the web's own work). Each page is read once first and the second checkout
# is counted: caches warm, as in a shop that has been running.
QUERY_COUNT_SCRIPT = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from testing.round_trips import round_trips
CART, FORM, PAGES = json.loads(INPUT)
anonymous, shopper = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
for product_id, quantity in CART.items():
    shopper.post("/cart", {"product_id": product_id, "quantity": quantity})
shopper.cookies["shop_currency"] = "EUR"
counts = {}
for path in PAGES:
    for who, client in (("anonymous", anonymous), ("shopper", shopper)):
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        counts[f"{who} {path}"] = [status, len(queries)]
for counted in (False, True):  # the first checkout of the process fills its memos
    # A new shopper each, as the load's (a session per order).
    shopper = Client(HTTP_HOST="127.0.0.1")
    shopper.cookies["shop_currency"] = "EUR"
    for product_id, quantity in CART.items():
        shopper.post("/cart", {"product_id": product_id, "quantity": quantity})
    with CaptureQueriesContext(connection) as queries, round_trips(connection) as trips:
        answer = shopper.post("/cart/checkout", {**FORM, "email": f"{counted}@example.com"})
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    data = [q for q in queries.captured_queries if not q["sql"].startswith(control)]
    counts["checkout"] = [answer.status_code, len(queries), len(data), trips.count]
print("QUERIES", json.dumps(counts))
"""


def shopper_cookie(base: str) -> str:
    """The Cookie header of a shopper: a session whose cart has two lines, prices in euros."""
    session = requests.Session()
    for product_id, quantity in CART.items():
        session.post(f"{base}/cart", {"product_id": product_id, "quantity": quantity}, timeout=30)
    session.cookies.set("shop_currency", CURRENCY)
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def query_counts(env: dict, pages: list[str]) -> dict[str, list[int]]:
    """Queries per page (anonymous and shopper) and per checkout: {name: [status, queries]};
    the checkout's also has the count without transaction control (BEGIN, COMMIT, savepoints)
    and its round trips to PostgreSQL (testing/round_trips.py: statements sent together are
    one)."""
    script = f"INPUT = {json.dumps(json.dumps([CART, FORM, pages]))}\n{QUERY_COUNT_SCRIPT}"
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0"], cwd=ROOT, env=env, input=script,
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.split("QUERIES ", 1)[1])


@dataclass(frozen=True)
class CheckoutLoad:
    shoppers: int
    latencies_ms: list[float]
    seconds: float
    failures: int

    @property
    def orders_per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass(frozen=True)
class EmailBacklog:
    """How far the Celery worker was behind when a checkout load stopped."""

    unsent: int  # orders whose confirmation e-mail was not sent yet
    queued: int  # tasks waiting in the broker's queue, not yet taken by the worker
    seconds: float  # until the last order's e-mail was sent


def email_backlog(env: dict[str, str], timeout: float = 300) -> EmailBacklog:
    """Measured right after a load: the e-mails not sent and the tasks queued, then the wait
    until every order's e-mail is sent (polled every 0.1 s on one connection). The worker must
    catch up before the next load, or that one would pay for this one's e-mails."""
    import psycopg
    import redis

    with redis.Redis.from_url(env["CELERY_BROKER_URL"]) as broker:
        queued = broker.llen("celery")  # Celery's default queue, a Redis list
    url = env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as db:
        started = time.monotonic()
        unsent = first = _unsent(db)
        while unsent and time.monotonic() - started < timeout:
            time.sleep(0.1)
            unsent = _unsent(db)
        return EmailBacklog(first, queued, time.monotonic() - started)


def _unsent(db) -> int:
    return db.execute(
        "SELECT (SELECT count(*) FROM checkout_order)"
        " - (SELECT count(*) FROM notifications_emailmessage WHERE status = 'sent')"
    ).fetchone()[0]


def checkout_load(base: str, shoppers: int, seconds: float) -> CheckoutLoad:
    """`shoppers` at once, each filling a cart of its own and checking out, again and again,
    for `seconds`; the latency is the checkout request's, which answers with the order's
    confirmation page (no redirect): what the shopper waits for after pressing the button. The
    client is benchmarks/shopper_client.py (python-requests until the second checkout pass: see
    its docstring)."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def shopper(index: int) -> None:
        number = 0
        while time.monotonic() < stop:
            number += 1
            # A new shopper each time: no cookies, a connection of its own.
            with ShopperClient(base) as client:
                for product_id, quantity in CART.items():
                    client.post("/cart", {"product_id": product_id, "quantity": quantity})
                form = {**FORM, "email": f"shopper{index}-{number}@example.com"}
                started = time.perf_counter()
                # Answered with the confirmation page itself (a redirect would be followed).
                status = client.post("/cart/checkout", form)
                elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    failures[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=shopper, args=(i,)) for i in range(shoppers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return CheckoutLoad(shoppers, latencies, time.monotonic() - started, failures[0])
