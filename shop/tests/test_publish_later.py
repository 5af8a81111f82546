"""A task queued while the broker is down reaches it once it is back, without holding up the
caller; one the broker never takes is given up on loudly (the periodic sweeps find its work)."""

from __future__ import annotations

import json
import logging

import kombu.exceptions
import pytest
import redis

from shop.publish_later import PublishLater
from shop.tasks import enqueue, publish_later
from testing.fixtures import queueing_on
from testing.servers import RedisServer, wait_until


class Broker:
    """A publish function that fails while `down`, and records what it took."""

    def __init__(self):
        self.down = True
        self.taken: list[tuple[str, tuple, float | None]] = []

    def publish(self, name: str, args: tuple, countdown: float | None) -> None:
        if self.down:
            raise kombu.exceptions.OperationalError("Connection refused")
        self.taken.append((name, args, countdown))


def test_tasks_wait_for_the_broker_and_go_in_the_order_they_were_queued():
    broker = Broker()
    later = PublishLater(broker.publish, first_retry=0.05)
    later.add("first", ("a",), None, OSError("down"))
    later.add("second", ("b",), 60.0, OSError("down"))
    later.add("second", ("b",), 60.0, OSError("down"))  # the same task twice is two tasks
    assert later.waiting() == 3

    broker.down = False
    wait_until(lambda: later.waiting() == 0, timeout=30)
    assert [(name, args) for name, args, _ in broker.taken] == [
        ("first", ("a",)),
        ("second", ("b",)),
        ("second", ("b",)),
    ]
    first, second, _ = (countdown for _, _, countdown in broker.taken)
    assert first is None
    # The wait so far counts: the task still runs about a minute after it was first queued.
    assert 0 < second <= 60.0


def test_a_task_the_broker_never_takes_is_given_up_on_loudly(caplog):
    broker = Broker()
    later = PublishLater(broker.publish, first_retry=0.05, give_up=0.2)
    with caplog.at_level(logging.WARNING, logger="shop.publish_later"):
        later.add("order_completed", ("o-1",), None, OSError("down"))
        wait_until(lambda: later.waiting() == 0, timeout=30)
    assert broker.taken == []
    given_up = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(given_up) == 1
    assert "order_completed('o-1',) was never queued" in given_up[0].getMessage()


@pytest.fixture
def stopped_broker():
    """A real broker (Redis) this process queues on, stopped."""
    server = RedisServer()
    with queueing_on(server.url):
        server.halt()
        yield server
    server.stop()


def test_a_task_queued_while_the_broker_is_stopped_reaches_it_when_it_is_back(stopped_broker):
    enqueue("checkout.order_completed", "o-42")  # returns: the caller is not held up
    assert publish_later.waiting() == 1

    stopped_broker.start()
    queue = redis.Redis.from_url(stopped_broker.url)
    wait_until(lambda: queue.llen("celery") == 1, timeout=60)
    message = json.loads(queue.lindex("celery", 0))
    assert message["headers"]["task"] == "checkout.order_completed"
    assert message["headers"]["argsrepr"] == "('o-42',)"
    wait_until(lambda: publish_later.waiting() == 0, timeout=30)
