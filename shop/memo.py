"""A process-local memo of values read from tables that change rarely (exchange rates, products),
kept in step with every process's writes through a version number in the shared cache (Redis).

A read from memory costs no round trip, which is what lets a gRPC `Convert` or `GetProduct`
answer at the speed of gRPC itself. The bounds on staleness:

- a write in this process, through a path that calls `changed()` (the apps connect it to their
  models' signals and call it from their bulk paths), shows at once: the memo is dropped before
  the write commits and again after, so a read in between cannot keep the old value;
- the same write in another process shows within CHECK_SECONDS: each process compares the shared
  version with the one it holds at most that often (one cache round trip per CHECK_SECONDS);
- `manage.py flush` and `migrate` drop every memo (post_migrate);
- a write that tells no one (raw SQL, a shell's `QuerySet.update`) shows within MAX_AGE_SECONDS;
- while the shared cache cannot be read (Redis down), within CHECK_SECONDS.

Inside an atomic block that changed what a memo holds, that memo is passed by: the block must read
its own writes, and a value it read must not outlive a rollback. (A write in a nested block whose
outer transaction then rolls back is the one case left to MAX_AGE_SECONDS.)

Misses are never remembered (an unknown id costs a query each time, but a crawl of made-up ids
cannot fill the memory), and at most `max_entries` values are kept.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_migrate
from django.dispatch import Signal

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

CHECK_SECONDS = 1.0
MAX_AGE_SECONDS = 60.0

_all: weakref.WeakSet[Memo] = weakref.WeakSet()
# Sent (sender: the memo) by every `changed()`: caches built on the same tables, such as the
# storefront's rendered pages, follow the same write paths without each app calling them.
memo_changed = Signal()


class Memo:
    def __init__(self, name: str, *, max_entries: int = 10_000):
        self.version_key = f"memo:{name}:version"
        self.max_entries = max_entries
        self._entries: dict[Hashable, object] = {}
        self._lock = threading.Lock()
        # Bumped by every drop: a value computed across a drop is not stored.
        self._generation = 0
        self._version: int | None = None
        self._checked_at = float("-inf")
        self._filled_at = float("-inf")
        # Per thread: the atomic block in which this thread last changed what the memo holds.
        self._writes = threading.local()
        _all.add(self)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value under `key`, computed and remembered on a miss; a compute that raises stores
        nothing."""
        if self._written_in_this_transaction():
            return compute()
        self._check()
        try:
            return self._entries[key]  # type: ignore[return-value]
        except KeyError:
            pass
        generation = self._generation
        value = compute()
        self._store(generation, {key: value})
        return value

    def get_many(self, keys: list[K], compute_many: Callable[[list[K]], dict[K, T]]) -> dict[K, T]:
        """The values of `keys`, in their order: remembered ones, the others from
        `compute_many(missing keys)` (remembered then); a key it leaves out is absent."""
        if self._written_in_this_transaction():
            return compute_many(keys)
        self._check()
        entries = self._entries
        found = {key: entries[key] for key in keys if key in entries}
        missing = [key for key in keys if key not in found]
        if missing:
            generation = self._generation
            computed = compute_many(missing)
            self._store(generation, computed)
            found.update(computed)
        return {key: found[key] for key in keys if key in found}

    def changed(self) -> None:
        """A write changed what the memo holds: drop it now and, once the write commits, here
        and (through the shared version) in every other process."""
        self._drop()
        if connection.in_atomic_block:
            self._writes.block = (len(connection.atomic_blocks), connection.atomic_blocks[-1])
        transaction.on_commit(self._publish)
        memo_changed.send(sender=self)

    def _written_in_this_transaction(self) -> bool:
        """Whether this thread's open atomic block (or one inside it) changed what the memo
        holds: its reads must see its own writes, and keep none of them (it may roll back)."""
        marked = getattr(self._writes, "block", None)
        if marked is None or not connection.in_atomic_block:
            return False
        depth, block = marked
        blocks = connection.atomic_blocks
        return len(blocks) >= depth and blocks[depth - 1] is block

    def _publish(self) -> None:
        self._writes.block = None
        self._drop()
        try:
            cache.incr(self.version_key)
        except ValueError:  # no version yet (or evicted): any new number will do
            cache.set(self.version_key, time.time_ns(), timeout=None)

    def _check(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < CHECK_SECONDS:
            return
        self._checked_at = now
        version = cache.get(self.version_key)
        if version is None:
            # A fresh cache (or an evicted key): start a version. Still none: the cache is down.
            cache.add(self.version_key, time.time_ns(), timeout=None)
            version = cache.get(self.version_key)
        if version is None or version != self._version or now - self._filled_at > MAX_AGE_SECONDS:
            self._drop()
            self._version = version

    def _store(self, generation: int, values: dict) -> None:
        with self._lock:
            if generation != self._generation:
                return  # computed from rows read before a write: stale already
            if not self._entries:
                self._filled_at = time.monotonic()
            room = self.max_entries - len(self._entries)
            self._entries.update(list(values.items())[: max(room, 0)])

    def _drop(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries = {}


def forget_memory() -> None:
    """Drops every memo of this process, telling no other (the tests, between two of them)."""
    for memo in list(_all):
        memo._drop()


def _tables_rewritten(**kwargs) -> None:
    """`manage.py migrate`, and `flush` (the tests' too, between transactional tests), which
    empties every table without a save signal, end with post_migrate: every memo goes."""
    for memo in list(_all):
        memo.changed()


post_migrate.connect(_tables_rewritten, dispatch_uid=__name__)
