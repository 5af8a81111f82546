from shop.import_guards import hidden

# First, before anything imports redis-py: it would import OpenTelemetry's metrics SDK (and psutil
# where installed) for an integration of its own that stays off unless initialised, which the shop
# never does; tracing, when configured, imports what it needs (shop/import_guards.py).
with hidden("opentelemetry.sdk.metrics"):
    import redis  # noqa: F401

from .celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
