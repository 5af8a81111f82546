"""The checkout benchmark's client (benchmarks/shopper_client.py) does what python-requests did
for it: the session's cookies kept, a form post's redirect followed with a GET, a new shopper
with no cookies of an earlier one, on one connection per shopper."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks.shopper_client import ShopperClient
from checkout.models import Order
from testing.fixtures import FORM


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn
    seen: list[tuple[str, str, str, int]] = []

    def log_message(self, *_: object) -> None:
        pass

    def _answer(self, status: int, headers: dict[str, str] | None = None) -> None:
        body = b"page"
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        cookie = self.headers.get("Cookie") or ""
        self.seen.append((self.command, self.path, cookie, self.client_address[1]))

    def do_POST(self) -> None:
        self._record()
        if self.path == "/cart":
            self._answer(302, {"Location": "/cart", "Set-Cookie": "sessionid=s1; Path=/"})
        else:  # the checkout: the session ends, the order's page follows
            expired = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/'
            self._answer(303, {"Location": "/order/7?token=t", "Set-Cookie": expired})

    def do_GET(self) -> None:
        self._record()
        self._answer(200)


@pytest.fixture
def recorder():
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.seen
    server.shutdown()
    server.server_close()


def test_a_shopper_keeps_its_session_follows_redirects_on_one_connection(recorder):
    base, seen = recorder
    with ShopperClient(base) as shopper:
        assert shopper.post("/cart", {"product_id": "A", "quantity": 1}) == 200
        assert shopper.post("/cart/checkout", {"email": "a@example.com"}) == 200
        assert shopper.get("/") == 200
    assert [(method, path, cookie) for method, path, cookie, _ in seen] == [
        ("POST", "/cart", ""),
        ("GET", "/cart", "sessionid=s1"),
        ("POST", "/cart/checkout", "sessionid=s1"),
        ("GET", "/order/7?token=t", ""),  # the deleted cookie is no longer sent
        ("GET", "/", ""),
    ]
    assert len({port for *_, port in seen}) == 1


def test_a_new_shopper_starts_without_cookies_on_a_connection_of_its_own(recorder):
    base, seen = recorder
    for _ in range(2):
        with ShopperClient(base) as shopper:
            shopper.post("/cart", {"product_id": "A", "quantity": 1})
    assert [cookie for method, _, cookie, _ in seen if method == "POST"] == ["", ""]
    assert len({port for *_, port in seen}) == 2


@pytest.mark.django_db(transaction=True)
def test_shoppers_place_real_orders_through_the_shop(live_server, catalog, settings):
    settings.ALLOWED_HOSTS = ["*"]
    for number in range(2):
        with ShopperClient(live_server.url) as shopper:
            shopper.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": 1})
            shopper.post("/cart", {"product_id": "66VCHSJNUP", "quantity": 2})
            assert shopper.post("/cart/checkout", {**FORM, "email": f"{number}@ex.com"}) == 200
    orders = Order.objects.all()
    assert sorted(order.email for order in orders) == ["0@ex.com", "1@ex.com"]
    # Each shopper's own session, hence its own cart: two lines each.
    assert all(order.lines.count() == 2 for order in orders)
