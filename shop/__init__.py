from shop.import_guards import TEST_ONLY_OPTIONAL_IMPORTS, hidden, imported_when_used

# First, before anything imports redis-py or Celery: redis-py would import
# OpenTelemetry's metrics API and SDK (and psutil where installed) for an integration of its own
# that stays off unless initialised, which the shop never does (tracing, when configured, imports
# what it needs), and Celery and kombu the test tools' packages they find and PyYAML (kombu
# registers a YAML serializer, which the shop does not accept: JSON only): shop/import_guards.py,
# docs/decisions.md "Worker memory (third pass)". redis-py's asyncio client (its __init__ imports
# the asyncio client, cluster client and sentinel, ~1 MiB) is used by nothing of the shop's: its
# synchronous commands import one submodule of it, which imports without the rest. Celery's
# exceptions subclass click's, for its command line, which a process that only publishes tasks
# never runs: click's exceptions module serves them without click's toolkit (its core, types,
# decorators, terminal UI: 0.7 MiB). docs/decisions.md, "Worker memory (fourth pass)".
with (
    hidden(*TEST_ONLY_OPTIONAL_IMPORTS, "opentelemetry.sdk.metrics", "opentelemetry.metrics"),
    hidden("yaml"),
    imported_when_used("redis.asyncio"),
    imported_when_used("click", reexports_of="click.exceptions"),
):
    import redis  # noqa: F401

    from .celery import app as celery_app

__all__ = ["celery_app"]
