"""The Celery application. Tasks live in each service app's tasks.py."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect(weak=False)
def _use_the_shops_logging(**_: object) -> None:
    """Workers and beat log like every other process (settings.LOGGING); with a receiver on this
    signal Celery installs no handlers of its own (so `--loglevel` gives way to LOG_LEVEL)."""
    from django.conf import settings

    from shop.observability.logs import configure

    configure(settings.LOGGING)


@signals.celeryd_init.connect(weak=False)
def _name_the_worker(instance, **_: object) -> None:
    from django.conf import settings

    from shop.observability.service import set_default

    set_default("worker")
    # Already now: the worker warns (e.g. about running as root) before it sets up logging.
    _use_the_shops_logging()
    # The startup banner is plain text: JSON logs stay one object per line without it.
    if settings.LOG_FORMAT == "json":
        instance.quiet = True


@signals.beat_init.connect(weak=False)
def _name_beat(**_: object) -> None:
    from shop.observability.service import set_default

    set_default("beat")
