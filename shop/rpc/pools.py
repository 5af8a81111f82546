"""Which thread pool of a gRPC server process runs which calls.

gRPC's synchronous server hands each call from its one polling thread to a pool thread, which
then sleeps until the poller hands it the request, and so on: a call is a chain of thread
wake-ups, and a pool of many threads, each call landing on a sleeping one, makes that chain
longest. A pool of two threads finds its next call already queued far more often: measured on
the bench's client (docs/decisions.md, "gRPC: what the empty method costs, and Convert against
the original (fourth pass)"), the empty method's context switches fell from ~10 to ~5-7 per call
and the server's CPU per call by 10–35 % (about 10 % at `--workers 2`, 35 % at 1).

A small pool suits only calls that never wait on anything outside the process, though: two
calls waiting on a slow database or another service would hold every thread. So:

- the health service's `Check` runs in a pool of its own: it never waits, and no call that waits
  on a dependency may delay the liveness answer (Kubernetes restarts a pod that misses it);
- the calls each app's rpc module names in `from_memory()` (answered from the process's memos:
  `Convert`, `GetProduct`, a `GetQuote` when the catalog is in the process...) run in a small
  pool shared by them; a memo's miss or its
  once-a-second version check waits on the database or Redis briefly, as the memo allows;
- the calls each app's rpc module names in `one_round_trip()` (a `Charge`: one INSERT) run in a
  pool of three: such a call spends part of its time waiting for the database, so a third
  thread keeps the process busy meanwhile, and calls that wait longer cannot hold it;
- every other call (the database, Redis, another service) and every stream (health's `Watch`,
  reflection, which hold a thread for their whole life) runs in the server's pool of `--threads`.

With tracing on, OpenTelemetry's interceptor builds its own handler per call, which names no
pool, and every call runs in the server's pool as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent import futures

HEALTH_CHECK = "/grpc.health.v1.Health/Check"
HEALTH_THREADS = 2
MEMORY_THREADS = 2
ROUND_TRIP_THREADS = 3


class CallPools:
    """The pools of one server; `pool_for` is what `ObservingRegistrar` asks."""

    def __init__(self, from_memory: Iterable[str], one_round_trip: Iterable[str] = ()):
        self.from_memory = frozenset(from_memory)
        self.one_round_trip = frozenset(one_round_trip)
        # Threads are started on the first call each pool runs, none before.
        self.health = futures.ThreadPoolExecutor(HEALTH_THREADS, thread_name_prefix="grpc-health")
        self.memory = futures.ThreadPoolExecutor(MEMORY_THREADS, thread_name_prefix="grpc-memory")
        self.round_trip = futures.ThreadPoolExecutor(
            ROUND_TRIP_THREADS, thread_name_prefix="grpc-round-trip"
        )

    def pool_for(self, full_method: str) -> futures.ThreadPoolExecutor | None:
        """The pool of a method ("/package.Service/Method"); None: the server's."""
        if full_method == HEALTH_CHECK:
            return self.health
        if full_method in self.from_memory:
            return self.memory
        if full_method in self.one_round_trip:
            return self.round_trip
        return None
