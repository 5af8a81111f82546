"""Queueing Celery tasks by name.

A service queues its own tasks by name, so its services module need not import its tasks module
(which imports the services: a cycle); a service may queue another service's task the same way
through its client, as the broker is shared. A task registered in this process (autodiscovery in
ShopConfig.ready) runs like any other, eagerly in the embedded shop; an unknown name is sent to
the broker for the worker of the service that owns it.

A task the broker cannot take at the moment (it is restarting, or down) is not lost and does not
hold up the caller: this process publishes it again once the broker answers (shop/publish_later.py).
"""

from __future__ import annotations

import contextvars
import logging
import threading

from celery import current_app

from shop.publish_later import BROKER_ERRORS, PublishLater

logger = logging.getLogger(__name__)


def _publish(name: str, args: tuple, countdown: float | None) -> None:
    current_app.signature(name, args=args).apply_async(countdown=countdown)


publish_later = PublishLater(_publish)


def enqueue(name: str, *args: object, countdown: float | None = None) -> None:
    """Queues the task `name` with positional `args` (JSON-serialisable), `countdown` seconds
    from now when given."""
    try:
        _publish(name, args, countdown)
    except BROKER_ERRORS as error:
        if running_eagerly():
            raise  # the task itself failed on something else's broker error
        publish_later.add(name, args, countdown, error)


# Per thread: the tasks queued for after the response of the web request this thread serves,
# None when it serves none (gRPC, a task, a shell).
_after_response = threading.local()


def enqueue_after_response(name: str, *args: object) -> None:
    """`enqueue`, for work the caller should not wait for: during a web request, once its
    response is sent (Django's request_finished, sent when the server closes the response after
    writing it), else at once. Published in the context of the call (its request id, its trace),
    so the task stays tied to the request. A process that dies in between loses the message:
    only for tasks that a periodic sweep also finds (order_completed: checkout's orders_sweep).
    In the embedded shop, where tasks run eagerly, the customer no longer waits for them."""
    pending = getattr(_after_response, "pending", None)
    if pending is None:
        enqueue(name, *args)
    else:
        pending.append((contextvars.copy_context(), name, args))


def request_started(**_: object) -> None:
    """Django's request_started: this thread now serves a request (leftovers of an earlier one,
    whose response was never closed, go first)."""
    _publish_after_response()
    _after_response.pending = []


def request_finished(**_: object) -> None:
    _publish_after_response()


def _publish_after_response() -> None:
    pending, _after_response.pending = getattr(_after_response, "pending", None), None
    for context, name, args in pending or ():
        try:
            context.run(enqueue, name, *args)
        except Exception:
            # The response is sent: there is no one to tell but the log (an eager task's own
            # failure in the embedded shop; a broker's is handled by enqueue).
            logger.exception("Task %s queued after the response failed", name)


def running_eagerly() -> bool:
    """Whether queued tasks run at once in this process (no worker: CELERY_TASK_ALWAYS_EAGER)."""
    return bool(current_app.conf.task_always_eager)
