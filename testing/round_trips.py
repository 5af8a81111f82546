"""Counting a PostgreSQL connection's round trips: the times the client sent something and then
read the server's answer, from libpq's own trace of the protocol's messages (PQtrace), so a test
can hold a code path to a number of waits on the database rather than to a number of statements
(several statements sent together are one round trip)."""

from __future__ import annotations

import contextlib
import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from psycopg import pq


@dataclass
class RoundTrips:
    count: int = 0
    # The trace's lines (direction, length, message): what to read when a count is off.
    messages: list[str] = field(default_factory=list)


@contextlib.contextmanager
def round_trips(django_connection) -> Iterator[RoundTrips]:
    """The round trips of `django_connection` (PostgreSQL) while the block runs: each run of
    messages from the client (F) followed by the server's (B) is one."""
    django_connection.ensure_connection()
    pgconn = django_connection.connection.pgconn
    counted = RoundTrips()
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            yield counted
        finally:
            pgconn.untrace()
        trace.seek(0)
        counted.messages = [line.rstrip("\n") for line in trace if line.strip()]
    directions = [line.split("\t", 1)[0] for line in counted.messages]
    counted.count = sum(pair == ("F", "B") for pair in itertools.pairwise(directions))
