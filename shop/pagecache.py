"""A short-lived, versioned cache of what the storefront shows every visitor alike.

Entries are product data already converted and formatted for one currency (a grid page, a
product page, the list of currency codes): never anything about one visitor. Every key carries
a version number; a staff edit of a product, a category or an exchange rate in this process bumps
it, so the next page shows the edit at once. Writes that send no signal (bulk imports, another
process in the microservices deployment) show within TIMEOUT seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

TIMEOUT = 60
VERSION_KEY = "storefront:version"

# Models whose saves change what the storefront shows. Referenced by label (Django's lazy model
# signal senders), so the storefront imports no other app's models.
WATCHED_MODELS = ("catalog.Product", "catalog.Category", "currency.ExchangeRate")
# The auto-created model behind Product.categories: re-categorising sends only m2m_changed.
WATCHED_RELATIONS = ("catalog.Product_categories",)


def version() -> int:
    # One round trip on every page; the add (a fresh version starts at the clock, so a version
    # key lost to eviction never resurrects entries written under an older number) only when
    # the key is missing.
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        current = cache.get(VERSION_KEY)
    return current or 0


def bump(**_signal_kwargs: object) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def cached(parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """The value cached under `parts` for the current version, computing it on a miss.

    A compute that raises (an unknown product, a failing service) caches nothing.
    """
    key = "storefront:{}:{}".format(version(), ":".join(str(part) for part in parts))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in WATCHED_MODELS:
        post_save.connect(bump, sender=model, dispatch_uid=f"storefront-save-{model}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"storefront-delete-{model}")
    for relation in WATCHED_RELATIONS:
        m2m_changed.connect(bump, sender=relation, dispatch_uid=f"storefront-m2m-{relation}")
