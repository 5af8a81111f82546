"""The Celery settings shop/settings.py takes (CELERY_* names, read by shop/celery.py).

Without a broker URL tasks run eagerly in-process (the embedded shop). With one, the worker
outlives its broker: it retries the connection for as long as it takes, at start-up and after a
loss (Celery's default gives up after 100 attempts and the worker exits), and its Redis
connections notice a dead or hung server through timeouts and health checks instead of waiting
on it for ever. Tasks are acknowledged after they ran (acks_late), so one that was running when
the worker died is delivered again; the post-order tasks are idempotent and retry the errors of
an outage themselves (shop/task_retry.py).
"""

from __future__ import annotations

# Seconds. A publish or an acknowledgement gives up on a silent broker after SOCKET_TIMEOUT (the
# worker then reconnects); BRPOP, the worker's wait for work, is checked every HEALTH_CHECK.
SOCKET_TIMEOUT = 5.0
CONNECT_TIMEOUT = 4.0
HEALTH_CHECK = 10
# Tasks between two closings of the worker's database connections by Celery's Django fix-up
# (counted twice per task): in effect never; shop/task_connections.py decides instead.
KEEP_CONNECTIONS = 10**9


def celery_settings(broker_url: str) -> dict:
    eager = not broker_url
    on_redis = broker_url.startswith(("redis://", "rediss://"))
    return {
        # kombu's Redis transport with the fix that keeps the worker alive through a broker
        # restart (shop/celery_broker.py); other brokers keep their own.
        "CELERY_BROKER_TRANSPORT": "shop.celery_broker:Transport" if on_redis else None,
        # In-memory when eager, never used for delivery; the host spares kombu its "no hostname"
        # warning when Celery opens a producer for an eager task.
        "CELERY_BROKER_URL": broker_url or "memory://localhost/",
        "CELERY_TASK_ALWAYS_EAGER": eager,
        "CELERY_TASK_EAGER_PROPAGATES": True,
        "CELERY_TASK_ACKS_LATE": True,
        "CELERY_TASK_REJECT_ON_WORKER_LOST": True,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": 1,
        "CELERY_TASK_IGNORE_RESULT": True,
        # Celery's Django fix-up would close the database connections around every task; the
        # worker keeps them, with a request's hygiene instead (shop/task_connections.py).
        "CELERY_DB_REUSE_MAX": KEEP_CONNECTIONS,
        "CELERY_BROKER_CONNECTION_RETRY": True,
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP": True,
        "CELERY_BROKER_CONNECTION_MAX_RETRIES": None,  # for ever
        "CELERY_BROKER_CONNECTION_TIMEOUT": CONNECT_TIMEOUT,
        # A task running when the connection is lost finishes; its acknowledgement is lost with
        # the connection, so it is delivered again later and finds its work done (idempotent).
        # Cancelling it instead could stop an e-mail between the SMTP answer and its record.
        "CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS": False,
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "socket_timeout": SOCKET_TIMEOUT,
            "socket_connect_timeout": CONNECT_TIMEOUT,
            "socket_keepalive": True,
            "health_check_interval": HEALTH_CHECK,
            "retry_on_timeout": True,
        },
    }
