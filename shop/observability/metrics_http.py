"""The web's metrics: every HTTP request counted and timed by route, and /metrics.

`MetricsMiddleware` comes first in MIDDLEWARE, so it times the whole stack and sees every answer
(static files too). It also answers /metrics itself, before the host check and the HTTPS
redirect: Prometheus scrapes a pod by its IP over plain HTTP, and the allow-list below is what
guards the page. Anyone else gets the shop's ordinary 404.
"""

from __future__ import annotations

import functools
import ipaddress
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shop.observability.metrics import (
    HTTP_DURATION,
    HTTP_REQUESTS,
    dependency_error_observe,
    registry,
)

METRICS_PATH = "/metrics"
# A request that came through a proxy (the public ingress adds these) never sees the metrics,
# whatever address the proxy has inside the cluster.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
UNMATCHED, STATIC = "<unmatched>", "<static>"


@functools.cache
def _allowed_networks(
    networks: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in networks)


def metrics_allowed(request: HttpRequest) -> bool:
    """From an address in METRICS_ALLOWED_NETWORKS, and not through a proxy."""
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped:
        peer = peer.ipv4_mapped  # a server bound to [::] sees IPv4 peers as ::ffff:a.b.c.d
    networks = _allowed_networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    return any(peer in network for network in networks)


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered ("/product/<str:product_id>"), never the raw path, so the
    number of label values stays bounded whatever clients ask for."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return "/" + match.route
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return STATIC
    return UNMATCHED


# A labelled child is looked up once per (method, route, status), not per request: `labels()`
# takes a lock and builds the label tuple each time, a cost every page paid twice. Bounded, as
# the method is the client's word (an unknown method still counts, through `labels()`).
_SERIES_MAX = 1024
_series: dict[tuple[str, str, int], tuple[object, object]] = {}


def series(method: str, route: str, status: int) -> tuple[object, object]:
    """The request counter's and the duration histogram's children for these labels."""
    key = (method, route, status)
    found = _series.get(key)
    if found is None:
        found = (HTTP_REQUESTS.labels(method, route, str(status)),
                 HTTP_DURATION.labels(method, route))  # fmt: skip
        if len(_series) < _SERIES_MAX:
            _series[key] = found
    return found


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        if request.path == METRICS_PATH:
            response, route = self._metrics(request), METRICS_PATH
        else:
            response = self.get_response(request)
            route = route_of(request)
        requests, duration = series(request.method, route, response.status_code)
        requests.inc()
        duration.observe(time.perf_counter() - started)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # A database or Redis error that no view handled (it becomes the 500 page).
        dependency_error_observe(exception, "web")

    def _metrics(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not metrics_allowed(request):
            return self.get_response(request)  # what any unknown path gets: the 404 page
        return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
