"""A Celery worker runs at a lower CPU priority than the web, so a shopper comes first.

Where the web server and the worker share cores (the embedded shop with a worker, `make stack`,
`make bench`, a small VM), an order's e-mail and post-order work compete with the next shopper's
page for the same CPU: the shopper waits for a core while the worker renders an e-mail nobody is
waiting for. At start the worker raises its own niceness to WORKER_NICENESS (the pool's processes,
forked after, inherit it): the kernel then gives the web first call on a core, and the worker
what is left, which on a machine that is not saturated for good is all it needs. It is a weight,
not a pause: a niced process still gets a share of a busy core, so while the cores stay saturated
the e-mails fall behind (4–5 s at the end of make bench's load) and catch up once they are not;
nothing is dropped (docs/decisions.md, "Checkout p95 at 4 shoppers (second pass)").

Only ever lowered: a worker started at a higher niceness (`nice celery ...`) keeps it, and 0 leaves
the priority alone. On Kubernetes the worker is its own Deployment with its own CPU share; the
niceness changes nothing there but the order within its own container.
"""

from __future__ import annotations

import os

from celery import signals


def lower_priority(niceness: int) -> int:
    """This process's niceness raised to `niceness` (never lowered); the niceness it now has."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness > current:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    return os.getpriority(os.PRIO_PROCESS, 0)


@signals.worker_init.connect(weak=False)
def _worker_starting(**_: object) -> None:
    # In the worker's main process, before its pool forks: the pool inherits the niceness. Not
    # in beat, nor in the web's eager tasks.
    from django.conf import settings

    lower_priority(settings.WORKER_NICENESS)
