"""The name of this process's service, on every log line (and metric and trace).

`SERVICE_NAME` (environment or .env) wins. Otherwise each entry point names itself: the web is
"web" (the default), `grpcserve` the apps it serves joined with "+", a Celery worker "worker" and
beat "beat"."""

from __future__ import annotations

import os

from django.conf import settings

_default = "web"


def set_default(name: str) -> None:
    """What an entry point calls itself when SERVICE_NAME is not set."""
    global _default
    _default = name


def service_name() -> str:
    # gunicorn's master logs before any Django settings exist: it reads the environment.
    configured = (
        settings.SERVICE_NAME if settings.configured else os.environ.get("SERVICE_NAME", "")
    )
    return configured or _default
