"""The traffic a chaos run keeps up while it breaks things: shoppers in threads following the
original's load generator mix (loadgen/locustfile.py: index 1, setCurrency 2, browse 10,
addToCart 2, viewCart 3, checkout 1, as plain form posts), plus one buyer who only checks out.
Every answer is tallied: 503 (an outage said so, allowed), other 5xx (never allowed), and
requests that got no answer at all (a connection cut by a killed worker, or a timeout)."""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass, field

import requests

from testing.fixtures import FORM

REQUEST_TIMEOUT = 30.0  # seconds: far beyond any answer a healthy or failing shop should take
THINK_SECONDS = (0.1, 0.5)
SAMPLES_KEPT = 5
DOUBLE_SUBMIT_EVERY = 4  # the buyer's every 4th checkout is submitted twice at once
ORDER_LINK = re.compile(r"/order/([0-9a-f]{8}-[0-9a-f-]{27})")


@dataclass
class Tally:
    requests: int = 0
    unavailable: int = 0  # 503
    server_errors: int = 0  # any other 5xx
    unanswered: int = 0  # connection refused or cut, or no answer in REQUEST_TIMEOUT
    slowest: float = 0.0  # seconds, of the answered requests: a hang shows here
    samples: list[str] = field(default_factory=list)  # the first few 5xx and unanswered, why
    # Double submits of one cart that each got a confirmation of another order.
    twice_sold: list[tuple[str, ...]] = field(default_factory=list)


class Traffic:
    def __init__(self, url: str, *, shoppers: int, seed: int):
        self.url = url
        # What the shop sells and in which currencies, as the shop itself says.
        api = f"{url}/api/v1"
        products = requests.get(f"{api}/products/", timeout=REQUEST_TIMEOUT).json()["results"]
        self.products = sorted(product["id"] for product in products)
        currencies = requests.get(f"{api}/currencies/", timeout=REQUEST_TIMEOUT).json()
        self.currencies = currencies["currency_codes"]
        self.tally = Tally()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        # Set while the buyer's checkout is in flight, with the client port of its connection:
        # what a fault needs to kill the web worker serving it.
        self.buyer_checking_out = threading.Event()
        self.buyer_port: int | None = None
        self._threads = [
            threading.Thread(target=self._shop, args=(random.Random(seed * 100 + n), n))
            for n in range(shoppers)
        ]
        self._threads.append(
            threading.Thread(target=self._buy, args=(random.Random(seed * 100 + 99), shoppers))
        )

    def start(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> Tally:
        """Lets every request in flight finish, then returns what was tallied."""
        self._stopping.set()
        for thread in self._threads:
            thread.join()
        return self.tally

    def _shop(self, rng: random.Random, number: int) -> None:
        session = requests.Session()
        tasks = [self._index, self._set_currency, self._browse, self._add_to_cart,
                 self._view_cart, self._checkout]  # fmt: skip
        weights = [1, 2, 10, 2, 3, 1]
        self._index(session, rng, number)
        while not self._stopping.wait(rng.uniform(*THINK_SECONDS)):
            rng.choices(tasks, weights)[0](session, rng, number)

    def _buy(self, rng: random.Random, number: int) -> None:
        session = requests.Session()
        checkouts = 0
        while not self._stopping.wait(rng.uniform(*THINK_SECONDS)):
            self._add_to_cart(session, rng, number)
            checkouts += 1
            if checkouts % DOUBLE_SUBMIT_EVERY == 0:
                self._double_submit(session, f"{number}.{checkouts}")
                continue
            self.buyer_port = _next_connection_port(session, self.url)
            self.buyer_checking_out.set()
            try:
                self._call(session, "POST", "/cart/checkout",
                           FORM | {"email": f"buyer{number}@example.com"})  # fmt: skip
            finally:
                self.buyer_checking_out.clear()

    def _double_submit(self, session: requests.Session, number: str) -> None:
        """Two tabs of one shopper submit one cart at the same instant with different e-mails:
        at most one of them may become an order (one cart, one paid order). The e-mails are new
        each time: an identical submission finding its cart empty is shown its earlier order (a
        replay), which would read here as a second order."""
        twin = requests.Session()
        twin.cookies.update(session.cookies)
        together = threading.Barrier(2)
        confirmed: set[str] = set()

        def submit(tab: requests.Session, email: str) -> None:
            together.wait()
            page = self._call(tab, "POST", "/cart/checkout", FORM | {"email": email})
            if page is not None and page.status_code == 200:
                confirmed.update(ORDER_LINK.findall(page.text))

        tabs = [
            threading.Thread(target=submit, args=(tab, f"tab{n}.buyer{number}@example.com"))
            for n, tab in enumerate((session, twin))
        ]
        for tab in tabs:
            tab.start()
        for tab in tabs:
            tab.join()
        if len(confirmed) > 1:
            with self._lock:
                self.tally.twice_sold.append(tuple(sorted(confirmed)))

    def _index(self, session, rng, number) -> None:
        self._call(session, "GET", "/")

    def _set_currency(self, session, rng, number) -> None:
        self._call(session, "POST", "/setCurrency", {"currency_code": rng.choice(self.currencies)})

    def _browse(self, session, rng, number) -> None:
        self._call(session, "GET", f"/product/{rng.choice(self.products)}")

    def _add_to_cart(self, session, rng, number) -> None:
        product = rng.choice(self.products)
        self._call(session, "GET", f"/product/{product}")
        self._call(session, "POST", "/cart", {"product_id": product,
                                              "quantity": str(rng.randint(1, 3))})  # fmt: skip

    def _view_cart(self, session, rng, number) -> None:
        self._call(session, "GET", "/cart")

    def _checkout(self, session, rng, number) -> None:
        self._add_to_cart(session, rng, number)
        self._call(session, "POST", "/cart/checkout",
                   FORM | {"email": f"shopper{number}@example.com"})  # fmt: skip

    def _call(
        self, session: requests.Session, method: str, path: str, data=None
    ) -> requests.Response | None:
        started = time.monotonic()
        try:
            response = session.request(method, self.url + path, data=data, timeout=REQUEST_TIMEOUT)
        except requests.RequestException as error:
            self._count(None, f"{method} {path}: {type(error).__name__}")
            return None
        status = response.status_code
        self._count(status, f"{method} {path}: {status}", time.monotonic() - started)
        return response

    def _count(self, status: int | None, what: str, seconds: float = 0.0) -> None:
        with self._lock:
            self.tally.requests += 1
            self.tally.slowest = max(self.tally.slowest, seconds)
            if status == 503:
                self.tally.unavailable += 1
                return
            if status is not None and status < 500:
                return
            if status is None:
                self.tally.unanswered += 1
            else:
                self.tally.server_errors += 1
            if len(self.tally.samples) < SAMPLES_KEPT:
                self.tally.samples.append(what)


def _next_connection_port(session: requests.Session, url: str) -> int | None:
    """The client port of the kept-alive connection the session's next request to `url` will
    use (urllib3's pool hands out its most recently returned one); None when it will open one."""
    pool = session.get_adapter(url).poolmanager.connection_from_url(url)
    idle = list(pool.pool.queue) if pool.pool is not None else []
    if idle and idle[-1] is not None and idle[-1].sock is not None:
        return idle[-1].sock.getsockname()[1]
    return None
