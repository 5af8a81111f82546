"""The circuit breaker and the deadline of calls to optional services."""

import threading

import pytest

from shop import resilience
from shop.errors import InvalidArgument, ServiceUnavailable
from shop.resilience import CLOSED, HALF_OPEN, OPEN, CircuitBreaker, call_optional

# Pool threads keep Django connection hygiene, so the database must be reachable.
pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def fresh_breakers(settings):
    settings.CIRCUIT_BREAKER_FAILURES = 3
    settings.OPTIONAL_SERVICE_DEADLINE_SECONDS = 5.0
    resilience.reset_breakers()
    yield
    resilience.reset_breakers()


def test_opens_after_consecutive_failures_and_probes_once_after_the_cooldown():
    clock = Clock()
    breaker = CircuitBreaker("svc", failure_threshold=3, cooldown=30, clock=clock)
    breaker.failed()
    breaker.failed()
    breaker.succeeded()  # a success in between: failures must be consecutive
    breaker.failed()
    breaker.failed()
    assert breaker.state == CLOSED and breaker.allow()
    breaker.failed()
    assert breaker.state == OPEN and not breaker.allow()

    clock.now += 30
    assert breaker.state == HALF_OPEN
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # only one at a time
    breaker.failed()
    assert breaker.state == OPEN  # a failed probe opens it again for a full cooldown
    clock.now += 29
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()
    breaker.succeeded()
    assert breaker.state == CLOSED and breaker.allow() and breaker.allow()


def test_only_one_of_many_threads_gets_the_probe():
    clock = Clock()
    breaker = CircuitBreaker("svc", failure_threshold=1, cooldown=1, clock=clock)
    breaker.failed()
    clock.now += 1
    start = threading.Barrier(16)
    allowed = []

    def ask():
        start.wait()
        allowed.append(breaker.allow())

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 1


def test_call_optional_returns_the_result_or_none_and_counts_only_outages():
    assert call_optional("svc", lambda: 42) == 42

    def refuse():
        raise InvalidArgument("bad input")

    for _ in range(5):
        assert call_optional("svc", refuse) is None
    assert resilience.breaker("svc").state == CLOSED  # the service answered: it is healthy

    def outage():
        raise ServiceUnavailable()

    calls = []
    for _ in range(5):
        assert call_optional("svc", lambda: calls.append(1) or outage()) is None
    assert len(calls) == 3  # the breaker opened after three and skipped the rest
    assert resilience.breaker("svc").state == OPEN
    assert resilience.breaker("other").state == CLOSED  # per service


def test_call_optional_stops_waiting_at_the_deadline():
    release = threading.Event()
    finished = threading.Event()

    def slow():
        release.wait(10)
        finished.set()
        return "late"

    try:
        assert call_optional("svc", slow, deadline=0.05) is None
        assert not finished.is_set()  # we returned while the call was still running
    finally:
        release.set()
    assert finished.wait(5)
