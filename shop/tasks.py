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

from celery import current_app

from shop.publish_later import BROKER_ERRORS, PublishLater


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


def running_eagerly() -> bool:
    """Whether queued tasks run at once in this process (no worker: CELERY_TASK_ALWAYS_EAGER)."""
    return bool(current_app.conf.task_always_eager)
