"""The session engine when sessions live in Redis: Django's cache sessions, whose reads are
remembered in the process until Redis reports a write to the session (shop/redis_tracking.py).

What is remembered is the stored bytes, decoded again on every use: Django's session mutates the
dict that `load()` returns. A session that does not exist is not remembered (a cookie naming no
session is deleted by the response, so the same miss rarely comes twice, and a flood of made-up
cookies must not push real sessions out). Writes are Django's, in fewer round trips (below);
Redis tells every process of them.

A new visitor's session (their first add to the cart) cost Django's cache sessions four round trips
to Redis and 32 system calls for randomness: a key drawn one character at a time from the OS, an
EXISTS for it, the SET NX that creates the session, then at the response a GET and a SET writing
the same empty session again. Here it costs the SET NX alone: the key is drawn at once, the SET NX
is what refuses a key already taken (Django's `create` then draws another), and the empty session
it stored is not written again. A later change is one SET XX where Django sent a GET and a SET: XX
writes only a session that still exists, which is what the GET checked (a session deleted
meanwhile, by a logout elsewhere, is not brought back: UpdateError, as Django's).
"""

from __future__ import annotations

import secrets

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore

from shop.redis_tracking import remembered_read, track_prefix

KEY_LENGTH = 32  # Django's: 32 characters of VALID_KEY_CHARS (lowercase letters and digits)


class SessionStore(CacheSessionStore):
    # This object's last write stored an empty session (the one `create` makes).
    _stored_empty = False

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

    def _get_new_session_key(self) -> str:
        """A key as Django's (32 lowercase letters and digits), from one draw of random bytes
        where Django's `get_random_string` asks the OS once per character, and without its
        EXISTS: `create` writes with SET NX, which refuses a key that is taken."""
        number = int.from_bytes(secrets.token_bytes(32))  # 256 bits for 165 bits of key
        characters = []
        for _ in range(KEY_LENGTH):
            number, index = divmod(number, len(VALID_KEY_CHARS))
            characters.append(VALID_KEY_CHARS[index])
        return "".join(characters)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        if not must_create and not data and self._stored_empty:
            return  # the response's save right after `create`: stored as it is
        if must_create:
            stored = self._cache.add(self.cache_key, data, self.get_expiry_age())
            if not stored:
                raise CreateError
        elif not self._cache.set(self.cache_key, data, self.get_expiry_age(), xx=True):
            raise UpdateError  # deleted meanwhile: not brought back
        self._stored_empty = not data
