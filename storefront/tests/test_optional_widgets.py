"""Ads and recommendations are optional on a page: when their service fails or is slow, the
template tags render nothing without waiting for it, and after a few failures the circuit
breaker stops calling it. In-process (fakes through registry.override) and over gRPC (a real
server whose servicer is slow, and a closed port)."""

from __future__ import annotations

import threading
import time
from concurrent import futures

import grpc
import pytest
from django.template import Context, Template

from shop import registry, resilience
from shop.errors import ServiceUnavailable
from shop.rpc.client import close_channels
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from testing.servers import free_port, wait_until

# Pool threads keep Django connection hygiene, so the database must be reachable.
pytestmark = pytest.mark.django_db

FAILURES = 3
DEADLINE = 0.2
# A stuck call hangs for HANG seconds. A page must be done long before: PAGE_BUDGET is many
# deadlines (slack for a busy two-core machine) yet far below HANG, so a page that waited for
# the call fails the test instead of merely slowing it.
HANG = 10.0
PAGE_BUDGET = 3.0
# Over gRPC the call crosses a connection to a server in another thread: more room, still far
# below PAGE_BUDGET.
GRPC_DEADLINE = 1.0
WIDGETS = {
    "ads": "{% load ads %}{% ad_banner keys %}",
    "recommendations": "{% load recommendations %}{% recommendations keys %}",
}


def render(service: str) -> str:
    return Template(WIDGETS[service]).render(Context({"keys": ["kitchen"]})).strip()


def timed_render(service: str) -> float:
    """Renders the widget (asserting it renders nothing); the seconds it took."""
    started = time.monotonic()
    assert render(service) == ""
    return time.monotonic() - started


class Stuck:
    """Answers nothing until released: a fake client and a gRPC servicer in one."""

    def __init__(self):
        self.release = threading.Event()
        self.calls = 0
        self.in_flight = 0  # calls started and not yet returned
        self.lock = threading.Lock()

    def _hang(self):
        with self.lock:
            self.calls += 1
            self.in_flight += 1
        self.release.wait(HANG)
        with self.lock:
            self.in_flight -= 1

    def ads_at_hand(self, context_keys):
        return None

    def get_ads(self, context_keys):
        self._hang()
        return []

    def list_recommendations(self, user_id, product_ids):
        self._hang()
        return []

    def GetAds(self, request, context):  # the gRPC method name
        self._hang()
        return pb.AdResponse()

    def ListRecommendations(self, request, context):  # the gRPC method name
        self._hang()
        return pb.ListRecommendationsResponse()


class Failing:
    def __init__(self):
        self.calls = 0

    def ads_at_hand(self, context_keys):
        return None

    def get_ads(self, *args):
        self.calls += 1
        raise ServiceUnavailable()

    list_recommendations = get_ads


@pytest.fixture(autouse=True)
def optional_settings(settings):
    settings.OPTIONAL_SERVICE_DEADLINE_SECONDS = DEADLINE
    settings.CIRCUIT_BREAKER_FAILURES = FAILURES
    resilience.reset_breakers()
    registry.reset()
    yield
    resilience.reset_breakers()
    registry.reset()


@pytest.fixture
def stuck():
    fake = Stuck()
    yield fake
    fake.release.set()


@pytest.fixture
def remote(settings):
    """Points a service at a gRPC address (clients built afresh, with the optional deadline)."""

    def point(service: str, address: str) -> None:
        settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, service: address}
        registry.reset()

    yield point
    close_channels()


@pytest.fixture
def stuck_server(stuck):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    pb_grpc.add_AdServiceServicer_to_server(stuck, server)
    pb_grpc.add_RecommendationServiceServicer_to_server(stuck, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    stuck.release.set()
    server.stop(grace=None)


def assert_breaker_stops_calling(service: str, fake) -> float:
    """Renders until the breaker opens and then some; the slowest render's seconds."""
    times = [timed_render(service) for _ in range(FAILURES)]
    wait_until(lambda: fake.calls == FAILURES)
    assert resilience.breaker(service).state == resilience.OPEN
    times += [timed_render(service) for _ in range(5)]
    assert fake.calls == FAILURES
    return max(times)


def assert_pages_did_not_wait(stuck: Stuck, slowest: float, record_property) -> None:
    record_property("slowest_render_seconds", round(slowest, 3))
    assert slowest < PAGE_BUDGET, f"a page took {slowest:.2f} s: it waited for the stuck call"
    # Every call is still hanging now: the pages gave up on it, it did not answer early.
    assert stuck.in_flight == FAILURES


@pytest.mark.parametrize("service", WIDGETS)
def test_in_process_slow_service_renders_nothing_without_waiting(service, stuck, record_property):
    with registry.override(service, stuck):
        slowest = assert_breaker_stops_calling(service, stuck)
    assert_pages_did_not_wait(stuck, slowest, record_property)


@pytest.mark.parametrize("service", WIDGETS)
def test_in_process_failing_service_renders_nothing_and_trips_the_breaker(service):
    failing = Failing()
    with registry.override(service, failing):
        assert_breaker_stops_calling(service, failing)


@pytest.mark.parametrize("service", WIDGETS)
def test_grpc_slow_servicer_renders_nothing_and_trips_the_breaker(
    service, stuck, stuck_server, remote, record_property, settings
):
    # Each call must reach the stuck servicer before the page gives up on it: on a loaded
    # machine a call with 0.2 s left could expire before the server dispatched it (seen in a
    # full run), and the servicer would count fewer calls than the page made.
    settings.OPTIONAL_SERVICE_DEADLINE_SECONDS = GRPC_DEADLINE
    remote(service, stuck_server)
    slowest = assert_breaker_stops_calling(service, stuck)
    assert_pages_did_not_wait(stuck, slowest, record_property)


@pytest.mark.parametrize("service", WIDGETS)
def test_grpc_closed_port_renders_nothing_and_trips_the_breaker(service, remote):
    remote(service, f"127.0.0.1:{free_port()}")
    for _ in range(FAILURES):
        assert render(service) == ""
    assert resilience.breaker(service).state == resilience.OPEN
    assert render(service) == ""
