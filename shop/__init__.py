from shop.import_guards import TEST_ONLY_OPTIONAL_IMPORTS, hidden

# First, before anything imports redis-py or Celery: redis-py would import
# OpenTelemetry's metrics API and SDK (and psutil where installed) for an integration of its own
# that stays off unless initialised, which the shop never does (tracing, when configured, imports
# what it needs), and Celery and kombu the test tools' packages they find and PyYAML (kombu
# registers a YAML serializer, which the shop does not accept: JSON only): shop/import_guards.py,
# docs/decisions.md "Worker memory (third pass)".
with (
    hidden(*TEST_ONLY_OPTIONAL_IMPORTS, "opentelemetry.sdk.metrics", "opentelemetry.metrics"),
    hidden("yaml"),
):
    import redis  # noqa: F401

    from .celery import app as celery_app

__all__ = ["celery_app"]
