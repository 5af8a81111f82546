"""Impression and click counters kept off the database on the hot path.

Each click adds 1 to a counter in Redis (one HINCRBY, pipelined) when REDIS_URL is set, or to an
in-process counter otherwise; impressions, one per ad on every page view, first gather in an
in-process buffer that hands them on once a second. `services.ad_counters_flush` drains them
into the database in one UPDATE: periodically through Celery beat with Redis (every process adds
to the same hash), and from the web process itself every FLUSH_INTERVAL seconds with in-process
counters (only that process can see them, and the embedded shop runs no beat).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Protocol

from django.conf import settings
from django_redis import get_redis_connection

IMPRESSIONS = "impressions"
CLICKS = "clicks"
KINDS = (IMPRESSIONS, CLICKS)
FLUSH_INTERVAL = 60.0

# (kind, ad id) -> count
Counts = dict[tuple[str, int], int]


class CounterStore(Protocol):
    def add(self, counts: Counts) -> None:
        """Adds to the pending counts (also puts drained counts back after a failed flush)."""
        ...

    def drain(self) -> Counts:
        """Takes every pending count (atomically) and resets it to zero."""
        ...

    def flush_due(self) -> bool:
        """Whether the caller should flush now (in-process counters only)."""
        ...


class RedisCounters:
    key_prefix = "ads:counters:"

    def __init__(self, redis):
        self.redis = redis

    def add(self, counts: Counts) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for (kind, ad_id), count in counts.items():
            pipe.hincrby(self.key_prefix + kind, str(ad_id), count)
        pipe.execute()

    def drain(self) -> Counts:
        pipe = self.redis.pipeline(transaction=True)  # MULTI/EXEC: no increment falls between
        for kind in KINDS:
            pipe.hgetall(self.key_prefix + kind)
            pipe.delete(self.key_prefix + kind)
        replies = pipe.execute()
        counts: Counts = {}
        for kind, hash_ in zip(KINDS, replies[::2], strict=True):
            for ad_id, count in hash_.items():
                counts[(kind, int(ad_id))] = int(count)
        return counts

    def flush_due(self) -> bool:
        return False  # Celery beat runs ads.tasks.counters_flush


class LocalCounters:
    """Counts kept in this process; due for a flush every `interval` seconds."""

    def __init__(self, interval: float = FLUSH_INTERVAL, clock=time.monotonic):
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, int]] = Counter()
        self._last_flush = clock()

    def add(self, counts: Counts) -> None:
        with self._lock:
            self._counts.update(counts)

    def drain(self) -> Counts:
        with self._lock:
            counts, self._counts = dict(self._counts), Counter()
            self._last_flush = self._clock()
        return counts

    def flush_due(self) -> bool:
        with self._lock:
            return bool(self._counts) and self._clock() - self._last_flush >= self.interval


_local = LocalCounters()
# Impressions gather here and are handed on to the store once a second.
impression_buffer = LocalCounters(interval=1.0)


def counter_store() -> CounterStore:
    if settings.REDIS_URL:
        return RedisCounters(get_redis_connection("default"))
    return _local
