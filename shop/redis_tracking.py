"""Reads of a few Redis keys remembered in the process, forgotten when Redis says they changed.

A shopper's page reads two Redis keys that rarely change: the session and the cart. Redis's
server-assisted client-side caching (CLIENT TRACKING, Redis 6+) tells a client which keys were
written; this module is our small client of it, for key prefixes that callers declare
(`track_prefix`): the session engine's (shop/tracked_sessions.py) and the cart store's
(cart/stores.py). Nothing else is remembered.

The protocol (docs/decisions.md, "Sessions and carts remembered in process, invalidated by Redis"):

- One connection per process, in RESP3 (`HELLO 3`), with `CLIENT TRACKING ON BCAST PREFIX ...`:
  Redis pushes `invalidate [keys]` on it for every write to a key under those prefixes, by any
  client (null keys: FLUSHALL/FLUSHDB). BCAST keeps no per-read state in Redis and costs no extra
  command per read.
- Invalidations are read inline, never by a background thread: every lookup first drains the
  connection without blocking (a non-blocking recv, under the lock). Redis queues a broadcast
  invalidation before it writes out the replies of the same event-loop turn (beforeSleep:
  trackingBroadcastInvalidationMessages, then handleClientsWithPendingWrites), so a read that
  starts after a writer was answered finds the invalidation in its socket.
- The race between a read and a write: a placeholder is put for the key before the Redis read,
  and the value is kept only if the placeholder is still there after it (an invalidation that
  arrived meanwhile removed it).
- Safety nets: an entry is used at most `max_age` seconds after its read; a lost or failing
  connection, or the server's circuit breaker leaving "closed", forgets everything and nothing is
  remembered until a new connection is set up (at most one attempt a second, made by a short-lived
  thread so that no request waits on it); at most `max_entries` entries (those least recently
  read from Redis go first).

Values are kept as they came from `fetch`: callers pass immutable ones (bytes, tuples).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import hiredis
from django.conf import settings
from redis.connection import SSLConnection, parse_url

from shop.redis_breaker import server_breaker

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Key prefixes whose reads may be remembered; a connection tracks those declared before it was
# set up (a prefix declared later makes the next lookup set up a new one). A tuple, replaced
# whole, so a thread reading it never sees it change under it.
_declared_prefixes: tuple[str, ...] = ()
_declare_lock = threading.Lock()


def track_prefix(prefix: str) -> None:
    """Declares that keys under `prefix` may be remembered (their every write is then heard)."""
    global _declared_prefixes
    if prefix not in _declared_prefixes:
        with _declare_lock:
            if prefix not in _declared_prefixes:
                _declared_prefixes = (*_declared_prefixes, prefix)


CONNECTION_NAME = "boutique-tracking"


class RefusedTracking(Exception):
    """Redis answered the set-up with an error."""


class _Placeholder:
    """Put for a key while it is being read; an invalidation removes it."""

    __slots__ = ()


class _Entry:
    __slots__ = ("value", "read_at")

    def __init__(self, value: object, read_at: float):
        self.value = value
        self.read_at = read_at


def _command(*parts: str) -> bytes:
    encoded = [part.encode() for part in parts]
    return b"*%d\r\n" % len(encoded) + b"".join(
        b"$%d\r\n%s\r\n" % (len(part), part) for part in encoded
    )


class TrackedReads:
    """The remembered reads of one process for one Redis server."""

    def __init__(
        self,
        url: str,
        *,
        max_age: float,
        max_entries: int,
        connect_timeout: float,
        socket_timeout: float,
        retry_interval: float = 1.0,
    ):
        self.url = url
        self.pid = os.getpid()
        self.max_age = max_age
        self.max_entries = max_entries
        self.connect_timeout = connect_timeout
        self.socket_timeout = socket_timeout
        self.retry_interval = retry_interval
        self._params = parse_url(url)
        # TLS is not spoken by this small client: such a Redis is simply read every time.
        self.supported = self._params.get("connection_class") is not SSLConnection
        self.server = self._server_name()
        self._lock = threading.Lock()
        self._entries: dict[str, object] = {}
        self._sock: socket.socket | None = None
        self._reader: hiredis.Reader | None = None
        self._prefixes: tuple[str, ...] = ()  # tracked by the live connection
        self._next_attempt = 0.0
        self._connecting = False
        self._closed = False  # closed for good (replaced): a late set-up must not install itself

    # --- lookups -------------------------------------------------------------------------

    def read(self, key: str, fetch: Callable[[], T], *, keep_missing: bool = True) -> T:
        """fetch()'s value for `key`, remembered while Redis has said nothing of a write to it.

        `fetch` reads the key from Redis (and may raise: nothing is remembered then). A None
        value is remembered only with keep_missing."""
        with self._lock:
            live = self._live_locked()
            if live and key.startswith(self._prefixes):
                found = self._entries.get(key)
                now = time.monotonic()
                if type(found) is _Entry and now - found.read_at < self.max_age:
                    return found.value
                placeholder = _Placeholder()
                self._put_locked(key, placeholder)
            else:
                placeholder = None
        if placeholder is None:
            self._connect_if_due(key)
            return fetch()
        try:
            value = fetch()
        except BaseException:
            with self._lock:
                if self._entries.get(key) is placeholder:
                    del self._entries[key]
            raise
        with self._lock:
            # Drained first: an invalidation of a write made after our read removes the
            # placeholder here (or the entry at the next lookup).
            if self._live_locked() and self._entries.get(key) is placeholder:
                if value is None and not keep_missing:
                    del self._entries[key]
                else:
                    self._entries[key] = _Entry(value, now)
        return value

    def forget_everything(self) -> None:
        """Drops every remembered read; the connection stays (tests: a process's first views)."""
        with self._lock:
            self._entries.clear()

    @property
    def tracking(self) -> bool:
        """A tracking connection is set up (reads of declared prefixes are remembered)."""
        return self._sock is not None

    def __len__(self) -> int:
        return len(self._entries)

    def _put_locked(self, key: str, value: object) -> None:
        """Puts a placeholder (or entry) last: the order is that of the reads from Redis."""
        entries = self._entries
        if entries.pop(key, None) is None and len(entries) >= self.max_entries:
            # The least recently read from Redis first: a dict keeps the order of insertion.
            del entries[next(iter(entries))]
        entries[key] = value

    def _live_locked(self) -> bool:
        """Drains the invalidations that arrived; False (everything forgotten) without a healthy
        tracking connection."""
        if self._sock is None:
            return False
        if not server_breaker(self.server).breaker.closed:
            self._drop_connection_locked("the Redis circuit breaker is not closed")
            return False
        return self._drain_locked()

    def _drain_locked(self) -> bool:
        sock, reader = self._sock, self._reader
        while True:
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                return True
            except OSError as error:
                self._drop_connection_locked(f"its connection failed: {error}")
                return False
            if not data:
                self._drop_connection_locked("Redis closed its connection")
                return False
            reader.feed(data)
            while (message := reader.gets()) is not False:
                if not self._apply_locked(message):
                    self._drop_connection_locked(f"an unexpected message {message!r:.200}")
                    return False

    def _apply_locked(self, message: object) -> bool:
        push = isinstance(message, hiredis.PushNotification)
        if push and message and message[0] == b"invalidate":
            keys = message[1]
            if keys is None:  # FLUSHALL / FLUSHDB
                self._entries.clear()
            else:
                for key in keys:
                    self._entries.pop(key.decode("utf-8", "surrogateescape"), None)
            return True
        # Another push (none is expected) is harmless; an error or a reply is not ours.
        return push

    def _drop_connection_locked(self, reason: str) -> None:
        logger.warning("Remembered Redis reads are off until tracking is set up again: %s", reason)
        self._close_locked()

    def _close_locked(self) -> None:
        self._entries.clear()
        sock, self._sock, self._reader, self._prefixes = self._sock, None, None, ()
        if sock is not None:
            sock.close()
        self._next_attempt = time.monotonic() + self.retry_interval

    def close(self) -> None:
        """Closes the connection for good: this instance remembers nothing any more."""
        with self._lock:
            self._closed = True
            self._close_locked()

    # --- setting up ----------------------------------------------------------------------

    def _connect_if_due(self, key: str) -> None:
        """Starts setting up a tracking connection on a short-lived thread, at most once a
        second, never while the breaker is not closed: a request never waits on it."""
        if not self.supported or not key.startswith(_declared_prefixes):
            return
        now = time.monotonic()
        with self._lock:
            if self._closed or self._connecting or now < self._next_attempt:
                return
            if self._sock is not None:
                if key.startswith(self._prefixes):
                    return
                self._close_locked()  # a prefix was declared after this connection was set up
            if not server_breaker(self.server).breaker.closed:
                return
            self._connecting = True
            self._next_attempt = now + self.retry_interval
        if not connect_in_background:
            self.connect()
            return
        threading.Thread(target=self.connect, name="redis-tracking-setup", daemon=True).start()

    def connect(self) -> bool:
        """Sets up the tracking connection now (the thread's work; tests call it directly)."""
        prefixes = _declared_prefixes
        try:
            sock, reader = self._handshake(prefixes)
        except RefusedTracking as error:
            # An answer, not an outage (a Redis before 6, a user without the right): asking
            # again will not help, so this process reads every time.
            logger.error("Redis refused client tracking; reads are not remembered: %s", error)
            with self._lock:
                self._connecting = False
                self.supported = False
            return False
        except OSError as error:
            logger.warning("Redis tracking is not set up (reads are not remembered): %s", error)
            with self._lock:
                self._connecting = False
            return False
        with self._lock:
            self._connecting = False
            if self._closed or self.pid != os.getpid():
                sock.close()
                return False
            self._close_locked()
            self._sock, self._reader, self._prefixes = sock, reader, prefixes
            self._next_attempt = 0.0
        return True

    def _handshake(self, prefixes: tuple[str, ...]) -> tuple[socket.socket, hiredis.Reader]:
        params = self._params
        if "path" in params:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.connect_timeout)
            try:
                sock.connect(params["path"])
            except OSError:
                sock.close()
                raise
        else:
            sock = socket.create_connection(
                (params.get("host", "localhost"), params.get("port", 6379)),
                timeout=self.connect_timeout,
            )
        try:
            sock.settimeout(self.socket_timeout)
            hello = ["HELLO", "3"]
            if params.get("password"):
                hello += ["AUTH", params.get("username") or "default", params["password"]]
            tracking = ["CLIENT", "TRACKING", "ON", "BCAST"]
            for prefix in prefixes:
                tracking += ["PREFIX", prefix]
            # Subscribed, the connection is a pub/sub client to Redis, and so falls under its
            # pub/sub output buffer limit (32 MB, or 8 MB for 60 s, by default): a process that
            # stops reading (an idle worker) is disconnected, not given unbounded memory. Nobody
            # publishes there in RESP3; the invalidations come as pushes of the tracking.
            sock.sendall(
                _command(*hello)
                + _command("CLIENT", "SETNAME", CONNECTION_NAME)
                + _command("SUBSCRIBE", "__redis__:invalidate")
                + _command(*tracking)
            )
            reader = hiredis.Reader()
            replies: list[object] = []
            while len(replies) < 3:  # HELLO, SETNAME, TRACKING (SUBSCRIBE answers with a push)
                data = sock.recv(65536)
                if not data:
                    raise ConnectionError("Redis closed the connection during the set-up")
                reader.feed(data)
                while len(replies) < 3 and (reply := reader.gets()) is not False:
                    if not isinstance(reply, hiredis.PushNotification):
                        replies.append(reply)
            for reply in replies:
                if isinstance(reply, Exception):
                    raise RefusedTracking(str(reply))
            sock.setblocking(False)
            return sock, reader
        except BaseException:
            sock.close()
            raise

    def _server_name(self) -> str:
        # As shop/redis_breaker.server_of names a pool's server: the same breaker.
        params = self._params
        if "path" in params:
            return params["path"]
        return f"{params.get('host', 'localhost')}:{params.get('port', 6379)}"


# Tests set this False: the lookup that finds no connection then sets one up itself, so what a
# test sees does not depend on when a thread ran.
connect_in_background = True

_current: TrackedReads | None = None
_current_lock = threading.Lock()


def tracked_reads() -> TrackedReads | None:
    """This process's remembered reads for the Redis of REDIS_URL; None without Redis or with
    REDIS_TRACKED_READS off. Made again in a forked child (the parent's socket is not ours) and
    when REDIS_URL changes."""
    global _current
    url = settings.REDIS_URL
    if not url or not settings.REDIS_TRACKED_READS:
        return None
    found = _current
    if found is not None and found.pid == os.getpid() and found.url == url:
        return found
    with _current_lock:
        found = _current
        if found is None or found.pid != os.getpid() or found.url != url:
            if found is not None and found.pid == os.getpid():
                found.close()
            found = TrackedReads(
                url,
                max_age=settings.REDIS_TRACKED_MAX_AGE_SECONDS,
                max_entries=settings.REDIS_TRACKED_MAX_ENTRIES,
                connect_timeout=settings.REDIS_CONNECT_TIMEOUT_SECONDS,
                socket_timeout=settings.REDIS_SOCKET_TIMEOUT_SECONDS,
            )
            _current = found
    return found


def reset_tracked_reads() -> None:
    """Forgets this process's tracked reads and closes their connection (tests)."""
    global _current
    with _current_lock:
        if _current is not None and _current.pid == os.getpid():
            _current.close()
        _current = None


def remembered_read(key: str, fetch: Callable[[], T], *, keep_missing: bool = True) -> T:
    """fetch() through this process's tracked reads when there are any, else fetch()."""
    tracked = tracked_reads()
    if tracked is None:
        return fetch()
    return tracked.read(key, fetch, keep_missing=keep_missing)
