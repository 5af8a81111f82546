"""The load client of the checkout benchmark: one shopper's browser, as light as it can be.

The benchmark's shoppers run on the same cores as the shop they measure, so what the client spends
is taken from the shop: python-requests spent ~12 ms of CPU per order (two cart posts with their
redirects, the checkout), an eighth of the order's whole cost. This client does
the same requests on one keep-alive connection per shopper, keeps the session's cookies, follows
redirects as a browser does after a form post (303/302 → GET), and sends the headers requests sent
(so the shop's work per request is unchanged); it does not decode the bodies it reads, which a
benchmark never looks at. Measurement hygiene, not a faster shop (docs/decisions.md, "Checkout
p95 at 4 shoppers (second pass)").
"""

from __future__ import annotations

import http.client
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

HEADERS = {
    "User-Agent": "boutique-bench",
    "Accept": "*/*",
    "Accept-Encoding": "gzip, deflate",
    "Connection": "keep-alive",
}
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 10


class ShopperClient:
    """A new shopper: no cookies, a connection of its own (closed by `close`)."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        parts = urlsplit(base)
        self.base = base
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)

    def __enter__(self) -> ShopperClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def get(self, path: str) -> int:
        return self._follow("GET", path, None)

    def post(self, path: str, form: dict[str, object]) -> int:
        """Posts the form and follows the redirects; the final status."""
        return self._follow("POST", path, urlencode(form).encode())

    def _follow(self, method: str, path: str, body: bytes | None) -> int:
        url = urljoin(self.base, path)
        for _ in range(MAX_REDIRECTS + 1):
            status, location = self._request(method, urlsplit(url), body)
            if status not in REDIRECTS or location is None:
                return status
            url = urljoin(url, location)
            # A browser re-posts only on 307/308; after 301/302/303 it fetches the new address.
            if status not in (307, 308):
                method, body = "GET", None
        raise http.client.HTTPException(f"more than {MAX_REDIRECTS} redirects from {path}")

    def _request(self, method: str, url, body: bytes | None) -> tuple[int, str | None]:
        headers = dict(HEADERS)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        target = url.path + (f"?{url.query}" if url.query else "")
        self.connection.request(method, target or "/", body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()  # the whole body, so the connection can carry the next request
        for header in response.headers.get_all("Set-Cookie") or ():
            self._keep(header)
        return response.status, response.headers.get("Location")

    def _keep(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            # Django deletes a cookie with max-age=0 and an expiry in 1970.
            if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value
