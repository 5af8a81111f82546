"""The session engine when sessions live in Redis: Django's cache sessions, whose reads are
remembered in the process until Redis reports a write to the session (shop/redis_tracking.py).

What is remembered is the stored bytes, decoded again on every use: Django's session mutates the
dict that `load()` returns. A session that does not exist is not remembered (a cookie naming no
session is deleted by the response, so the same miss rarely comes twice, and a flood of made-up
cookies must not push real sessions out). Writes are Django's own: Redis tells every process.
"""

from __future__ import annotations

from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore

from shop.redis_tracking import remembered_read, track_prefix


class SessionStore(CacheSessionStore):
    def load(self):
        try:
            session_data = self._tracked_get()
        except Exception:
            # As Django's: an unreadable session loads empty. storefront/session.py tells an
            # unreachable store from a missing session by asking `exists`, which raises.
            session_data = None
        if session_data is not None:
            return session_data
        self._session_key = None
        return {}

    def _tracked_get(self):
        cache = self._cache
        key = str(cache.make_key(self.cache_key))
        track_prefix(str(cache.make_key(self.cache_key_prefix)))
        client = cache.client

        def fetch() -> bytes | None:
            return client.get_client(write=False).get(key)

        stored = remembered_read(key, fetch, keep_missing=False)
        return None if stored is None else client.decode(stored)
