"""The Celery application. Tasks live in each service app's tasks.py."""

import os

from celery import Celery, signals

from shop import (
    task_connections,  # noqa: F401  (connects its task signals)
    worker_priority,  # noqa: F401  (lowers the worker's CPU priority at start)
)
from shop.observability import metrics_celery, tracing
from shop.observability.service import service_name

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
# Django's settings as a plain dict kept in step with them: Celery's look-ups through the settings
# object cost a fifth of a publish (shop/celery_config.py). Read at the first look-up, as before.
app.config_from_object("shop.celery_config:SETTINGS", namespace="CELERY")
app.autodiscover_tasks()
# The file the worker's liveness probe reads (Kubernetes: deploy/k8s/base/celery-worker.yaml).
# Named, not imported: the worker imports it as it builds its steps, and the processes that only
# publish tasks (gunicorn's workers) do not load Celery's worker and beat modules it needs
# (docs/decisions.md, "Worker memory (third pass)").
app.steps["worker"].add("shop.observability.celery_probes:WorkerHeartbeat")


@signals.setup_logging.connect(weak=False)
def _use_the_shops_logging(**_: object) -> None:
    """Workers and beat log like every other process (settings.LOGGING); with a receiver on this
    signal Celery installs no handlers of its own (so `--loglevel` gives way to LOG_LEVEL)."""
    import click
    from django.conf import settings

    from shop.observability.logs import configure
    from shop.observability.service import set_default

    # The Celery command this process runs ("worker", "beat") is its service's default name.
    command = click.get_current_context(silent=True)
    if command is not None:
        set_default(command.info_name)
    configure(settings.LOGGING)


@signals.celeryd_init.connect(weak=False)
def _quiet_worker(instance, **_: object) -> None:
    from django.conf import settings

    # Already now: the worker warns (e.g. about running as root) before it sets up logging.
    _use_the_shops_logging()
    # Its start-up banner is plain text (beat's needs `celery --quiet beat`).
    if settings.LOG_FORMAT == "json":
        instance.quiet = True


# Task metrics in every process (eager runs in the web too) and the worker's metrics port.
metrics_celery.connect()


@signals.worker_process_init.connect
def _trace_pool_process(**_) -> None:
    # In each process that runs tasks (after the prefork pool's fork; the solo pool sends it too).
    tracing.setup_tracing(service_name())


@signals.worker_process_shutdown.connect
def _flush_pool_process(**_) -> None:
    # A prefork pool process ends with os._exit, which skips the SDK's exit handler.
    tracing.flush()
