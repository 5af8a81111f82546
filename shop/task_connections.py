"""A Celery worker's database connections: kept from one task to the next, with the hygiene a
web request gets.

Celery's Django fix-up closes every database connection before and after each task, so every task
opened a new PostgreSQL connection (a backend process forked, authenticated, its caches filled):
with the four tasks of an order (its recovery, the post-order work, the e-mail, the purchase for
recommendations) that was most of what PostgreSQL and a good part of what the worker spent per
order. `CELERY_DB_REUSE_MAX` (shop/celery_settings.py) stops the fix-up's closing; around each
task this module does what Django does around a request and grpcserve around a call
(shop/rpc/connection_hygiene.py): a connection that outlived CONN_MAX_AGE or met an error it did
not recover from is closed, and a reused one is probed before its first query unless its probe
passed less than a second ago in this process. A connection that died meanwhile fails one task,
whose retry (shop/task_retry.py) finds a new one.

Eager tasks (the embedded shop) run inside the caller's request and transaction: left alone.
"""

from __future__ import annotations

import threading
import time

from celery import signals

from shop.rpc import connection_hygiene

_task = threading.local()


def _eager(task) -> bool:
    return bool(getattr(getattr(task, "request", None), "is_eager", False))


@signals.task_prerun.connect(weak=False)
def _before_task(sender=None, **_: object) -> None:
    if _eager(sender):
        return
    _task.started = time.monotonic()
    _task.skipped = connection_hygiene.before_call()


@signals.task_postrun.connect(weak=False)
def _after_task(sender=None, **_: object) -> None:
    if _eager(sender) or not hasattr(_task, "skipped"):
        return
    connection_hygiene.after_call(_task.skipped, _task.started)
    del _task.skipped
