"""Tasks the broker could not take when they were queued, published again from a background
thread of this process as soon as the broker answers.

Why: post-order work is queued when an order commits. A broker restarting at that moment (Redis
stopped for a few seconds) would otherwise leave the customer's confirmation e-mail to the
periodic sweeps, minutes later, and the request would have to wait for the broker to come back.
Why in memory only: the database already holds the durable record of the work (a paid order
without `completed_at`, an e-mail message still queued), and the sweeps (orders_sweep,
emails_requeue_stale) find it if this process dies before the broker is back. This makes the
common case, a broker blip, heal within seconds of the broker's return.

A publish that failed may still have reached the broker (the connection broke before its
answer), so a task can arrive twice: the tasks queued this way are idempotent.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import kombu.exceptions

logger = logging.getLogger(__name__)

# What a publish raises when the broker does not answer (kombu wraps the transport's errors).
BROKER_ERRORS = (kombu.exceptions.OperationalError,)

FIRST_RETRY_SECONDS = 0.5
RETRY_CAP_SECONDS = 10.0
GIVE_UP_SECONDS = 15 * 60.0  # then the sweeps, which run every 5 minutes, take over

# publish(name, args, countdown): queues one task, raising one of BROKER_ERRORS when it cannot.
Publish = Callable[[str, tuple, "float | None"], None]


@dataclass(frozen=True, eq=False)  # each queued task is itself, however alike
class _Pending:
    name: str
    args: tuple
    due: float | None  # monotonic time the task was asked to run at (its countdown), or None
    give_up_at: float

    def countdown(self) -> float | None:
        """What is left of the countdown it was queued with (the wait so far counts)."""
        return None if self.due is None else max(0.0, self.due - time.monotonic())


class PublishLater:
    """Keeps the tasks whose publish failed and retries them, oldest first, with a backoff
    (FIRST_RETRY_SECONDS doubling up to RETRY_CAP_SECONDS) until each is published or
    GIVE_UP_SECONDS have passed since it was queued."""

    def __init__(self, publish: Publish, *, first_retry: float = FIRST_RETRY_SECONDS,
                 give_up: float = GIVE_UP_SECONDS):  # fmt: skip
        self._publish = publish
        self._first_retry = first_retry
        self._give_up = give_up
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def add(self, name: str, args: tuple, countdown: float | None, error: BaseException) -> None:
        now = time.monotonic()
        pending = _Pending(name, args, None if countdown is None else now + countdown,
                           now + self._give_up)  # fmt: skip
        logger.warning("Task %s not queued (broker: %s); trying again in the background",
                       name, error)  # fmt: skip
        with self._lock:
            if self._pid != os.getpid():
                # A forked child (a gunicorn worker) inherits the list but not the thread.
                self._pid, self._pending, self._thread = os.getpid(), [], None
            self._pending.append(pending)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="publish-later", daemon=True)
                self._thread.start()

    def waiting(self) -> int:
        """How many tasks wait for the broker."""
        with self._lock:
            return len(self._pending)

    def _run(self) -> None:
        delay = self._first_retry
        while True:
            time.sleep(delay)
            with self._lock:
                batch = list(self._pending)
            published = self._publish_all(batch)
            with self._lock:
                self._pending = [p for p in self._pending if p not in published]
                if not self._pending:
                    self._thread = None
                    return
            delay = self._first_retry if published else min(delay * 2, RETRY_CAP_SECONDS)

    def _publish_all(self, batch: list[_Pending]) -> list[_Pending]:
        """Publishes the batch in order until the broker fails again; returns what left the
        list: the published tasks and those given up on."""
        done = []
        for pending in batch:
            if time.monotonic() > pending.give_up_at:
                logger.error("Task %s%s was never queued: the broker did not answer for %d s; "
                             "the periodic sweeps will find its work",
                             pending.name, pending.args, self._give_up)  # fmt: skip
                done.append(pending)
                continue
            try:
                self._publish(pending.name, pending.args, pending.countdown())
            except BROKER_ERRORS:
                break
            logger.info("Task %s queued after the broker came back", pending.name)
            done.append(pending)
        return done
