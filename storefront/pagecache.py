"""A short-lived, versioned cache of what the storefront shows every visitor alike.

Entries are product data or rendered HTML already converted and formatted for one currency (a
grid page, a product page, the priced page of a cart's lines, the list of currency codes): never
anything about one visitor (who holds a cart of those lines is not in its entry). Each
entry is stored with the version it was computed under, and only an entry of the current version
counts; a staff edit of a product, a category or an exchange rate in this process bumps the
version (on save and again on commit, so a page read between the two cannot keep the old data),
so the next page shows the edit at once. The bulk paths (import_catalog, seed_catalog, the demo
load, the rate feed) bump it too, through the memos they invalidate (shop.memo.memo_changed).
Writes that tell no one (raw SQL, a shell's `QuerySet.update`) and writes by another process
of the microservices deployment (the catalog or currency service) show within TIMEOUT seconds
and the time of one rebuild (an old entry is shown while one request rebuilds it).

A page reads the version and all its entries in one round trip (`read`), and each process keeps
what it read for MEMORY_SECONDS: a hot page makes no round trip at all, an edit in this process
shows at once and one in another process within MEMORY_SECONDS.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

TIMEOUT = 60
# An entry TIMEOUT seconds old is rebuilt by one request (the one that takes the rebuild mark)
# while the others keep showing it, for at most STALE_SECONDS more: a hot page is never rebuilt
# by every thread of every process at once, and no visitor waits for it but one.
STALE_SECONDS = 30
# How long the rebuild mark holds when its request dies before storing the page.
REBUILD_SECONDS = 10
MEMORY_SECONDS = 1.0
# A bound on what one process holds (hot pages are few; a crawl must not fill the memory).
MEMORY_ENTRIES = 512
# Entries past their MEMORY_SECONDS are dropped at most this often: an entry is a rendered page
# (15-20 KiB), and without this one read once stayed in every worker until MEMORY_ENTRIES others
# came (docs/decisions.md, "Worker memory (third pass)").
PRUNE_SECONDS = MEMORY_SECONDS
_pruned_at = float("-inf")

# (entry keys asked for) -> (good until, version, entries found, entries due for a rebuild)
_memory: dict[tuple[str, ...], tuple[float, int, dict[str, Any], dict[str, Any]]] = {}
VERSION_KEY = "storefront:version"

# Models whose saves change what the storefront shows. Referenced by label (Django's lazy model
# signal senders), so the storefront imports no other app's models.
WATCHED_MODELS = ("catalog.Product", "catalog.Category", "currency.ExchangeRate")
# The auto-created model behind Product.categories: re-categorising sends only m2m_changed.
WATCHED_RELATIONS = ("catalog.Product_categories",)

Parts = tuple[Hashable, ...]


def version() -> int:
    # The add (a fresh version starts at the clock, so a version key lost to eviction never
    # resurrects entries written under an older number) only when the key is missing.
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        current = cache.get(VERSION_KEY)
    return current or 0


# Printable ASCII without spaces, and short: what every cache backend accepts as a key.
_PLAIN_KEY = re.compile(r"[!-~]+")
_KEY_MAX = 200


def bump() -> None:
    _memory.clear()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def entry_key(parts: Parts) -> str:
    key = "storefront:" + ":".join(str(part) for part in parts)
    if len(key) <= _KEY_MAX and _PLAIN_KEY.fullmatch(key):
        return key
    # A visitor's text (an unknown product id, a long slug) made the key: a digest keeps it a
    # valid key for any cache backend.
    return "storefront:sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


class Snapshot:
    """The current version and the current entries found among those asked for."""

    def __init__(self, current: int, found: dict[str, Any], stale: dict[str, Any]):
        self.version = current
        self._found = found
        self._stale = stale

    def get(
        self, parts: Parts, compute: Callable[[], T], keep: Callable[[T], bool] = lambda _: True
    ) -> T:
        """The entry under `parts`, computed and stored on a miss. A compute that raises (an
        unknown product, a failing service) stores nothing, nor does one whose value `keep`
        refuses (a page with a part left out because a service failed)."""
        key = entry_key(parts)
        if key in self._found:
            return self._found[key]
        rebuilding = key + ":rebuilding"
        if key in self._stale and not cache.add(rebuilding, True, REBUILD_SECONDS):
            return self._stale[key]  # another request is rebuilding it
        try:
            value = compute()
        finally:
            if key in self._stale:
                cache.delete(rebuilding)
        if keep(value):
            self.put(parts, value)
        return value

    def put(self, parts: Parts, value: Any) -> None:
        """Stores `value` under `parts` for this snapshot's version: computed from what was read
        under it, it never passes for data of a newer one."""
        key = entry_key(parts)
        cache.set(key, (self.version, value, time.time() + TIMEOUT), TIMEOUT + STALE_SECONDS)
        self._found[key] = value


def read(*entries: Parts) -> Snapshot:
    """One round trip: the version and the entries under each of `entries` (of that version)."""
    keys = tuple(entry_key(parts) for parts in entries)
    remembered = _memory.get(keys)
    if remembered is not None and remembered[0] > time.monotonic():
        # Shared on purpose: an entry computed on a miss is remembered too.
        return Snapshot(*remembered[1:])
    found = cache.get_many([VERSION_KEY, *keys])
    current = found.pop(VERSION_KEY, None)
    if current is None:
        current = version()
    now = time.time()
    fresh, stale = {}, {}
    for key, (entry_version, value, *fresh_until) in found.items():
        if entry_version == current:
            # An entry written before freshness was stored (a rolling deploy) counts as fresh.
            (stale if fresh_until and fresh_until[0] <= now else fresh)[key] = value
    _make_room()
    _memory[keys] = (time.monotonic() + MEMORY_SECONDS, current, fresh, stale)
    return Snapshot(current, fresh, stale)


def _make_room() -> None:
    global _pruned_at
    now = time.monotonic()
    if now - _pruned_at >= PRUNE_SECONDS:
        _pruned_at = now
        # A copy of the items: another thread may add one meanwhile (dict operations are atomic).
        for keys, (good_until, *_) in list(_memory.items()):
            if good_until <= now:
                _memory.pop(keys, None)
    if len(_memory) >= MEMORY_ENTRIES:
        _memory.clear()


def forget_memory() -> None:
    """Drop what this process remembers (tests; the cache was cleared under it)."""
    _memory.clear()


def cached(parts: Parts, compute: Callable[[], T]) -> T:
    """The value cached under `parts` for the current version, computing it on a miss."""
    return read(parts).get(parts, compute)


def storefront_data_changed(**_signal_kwargs: object) -> None:
    bump()
    transaction.on_commit(bump)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from shop.memo import memo_changed

    memo_changed.connect(storefront_data_changed, dispatch_uid="storefront-memo")
    for model in WATCHED_MODELS:
        post_save.connect(
            storefront_data_changed, sender=model, dispatch_uid=f"storefront-save-{model}"
        )
        post_delete.connect(
            storefront_data_changed, sender=model, dispatch_uid=f"storefront-delete-{model}"
        )
    for relation in WATCHED_RELATIONS:
        m2m_changed.connect(
            storefront_data_changed, sender=relation, dispatch_uid=f"storefront-m2m-{relation}"
        )
