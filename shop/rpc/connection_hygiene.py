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
# Per thread: the connections the last before_call found opened.
_opened = threading.local()


def before_call() -> list[str]:
    """Closes what is obsolete (Django's close_old_connections); returns the aliases whose probe
    this call skips."""
    now = time.monotonic()
    skipped = []
    opened = connections.all(initialized_only=True)
    # For after_call: listing them is two thread-local reads per alias, the larger part of
    # this module's cost on a call that makes no query. Kept per thread, as the connections.
    _opened.connections = opened
    for connection in opened:
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
    opened = getattr(_opened, "connections", None)
    if opened is None or len(opened) < len(connections.settings):
        # An alias not yet opened when the call began may have been during it: list again.
        # (Once opened, an alias keeps its connection object in this thread.)
        opened = connections.all(initialized_only=True)
    for connection in opened:
        verified = (
            connection.alias not in skipped
            and connection.connection is not None
            and connection.health_check_done
            and not connection.errors_occurred
        )
        if verified:
            setattr(_verified, connection.alias, started)
        connection.close_if_unusable_or_obsolete()
