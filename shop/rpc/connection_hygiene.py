"""Django's database connection hygiene around each RPC, as around each web request, with one
saving: the health probe.

Like a WSGI request, a call closes, before and after, a connection that outlived CONN_MAX_AGE or
met an error it did not recover from. With CONN_HEALTH_CHECKS, Django then probes a reused
connection (a `SELECT 1`, one round trip) before the first query of every request: for a `Charge`
that doubles its round trips. The probe is there for a connection that sat idle while the
database closed it; one whose probe passed less than PROBE_SECONDS ago in this thread is not
probed again. So each thread probes its connection at most once per PROBE_SECONDS under load, and
a connection that died within that second fails one call with UNAVAILABLE (callers retry the
idempotent methods), is closed after it, and is replaced on the next — the same as a connection
that dies between a probe and the query after it.
"""

from __future__ import annotations

import threading
import time

from django.db import connections

PROBE_SECONDS = 1.0

# Per thread (connections are per thread): alias -> monotonic time its connection was verified.
_verified = threading.local()
# Per thread: (the handler's store of connections, the connections this thread has opened).
_opened = threading.local()


def _opened_connections() -> list:
    """This thread's opened connections (Django's `connections.all(initialized_only=True)`).
    Listing them reads a thread-local store twice per alias, most of this module's cost on a
    call that makes no query; once every alias is open in a thread, its connection objects stay
    the same (closing one keeps the object), so the list is kept per thread from then on."""
    store = connections._connections
    known = getattr(_opened, "connections", None)
    if known is not None and known[0] is store and len(known[1]) == len(connections.settings):
        return known[1]
    opened = connections.all(initialized_only=True)
    _opened.connections = (store, opened)
    return opened


def before_call() -> list[str]:
    """Closes what is obsolete (Django's close_old_connections); returns the aliases whose probe
    this call skips."""
    now = time.monotonic()
    skipped = []
    for connection in _opened_connections():
        connection.close_if_unusable_or_obsolete()
        verified_at = getattr(_verified, connection.alias, None)
        if (
            connection.connection is not None
            and verified_at is not None
            and now - verified_at < PROBE_SECONDS
        ):
            connection.health_check_done = True
            skipped.append(connection.alias)
    return skipped


def after_call(skipped: list[str], started: float) -> None:
    """Remembers the connections verified during the call (probed, or opened anew), then closes
    what is obsolete. `started`: the call's start, a bound on when that verification ran."""
    for connection in _opened_connections():  # with any the call opened
        verified = (
            connection.alias not in skipped
            and connection.connection is not None
            and connection.health_check_done
            and not connection.errors_occurred
        )
        if verified:
            setattr(_verified, connection.alias, started)
        connection.close_if_unusable_or_obsolete()
