"""The Redis-backed caches that shop/settings.py configures when REDIS_URL is set.

`default` (pages, rates, ads, throttles) misses instead of raising during a Redis outage, so
browsing goes on; `sessions` raises, so an unreadable session is never silently replaced by a
new one (which would orphan the visitor's cart: storefront/session.py). Both use short socket
timeouts and the client of shop/redis_breaker.py, so a Redis that is down or hung costs a page
at most a few short timeouts before its calls are skipped for a cool-down.
"""

from __future__ import annotations


def redis_caches(url: str, *, connect_timeout: float, socket_timeout: float) -> dict:
    options = {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "REDIS_CLIENT_CLASS": "shop.redis_breaker.GuardedRedis",
        "SOCKET_CONNECT_TIMEOUT": connect_timeout,
        "SOCKET_TIMEOUT": socket_timeout,
    }
    cache = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}
    return {
        "default": {**cache, "OPTIONS": {**options, "IGNORE_EXCEPTIONS": True}},
        "sessions": {**cache, "OPTIONS": options},
    }


IGNORED_ERRORS_LOGGER = "shop.cache.ignored_errors"


def count_ignored_errors(logging: dict) -> str:
    """Routes the errors the default cache ignores (django-redis logs each one to
    DJANGO_REDIS_LOGGER) to a handler that counts them (boutique_dependency_errors_total) instead
    of logging a traceback on every cache call of every page during an outage. Returns the
    logger's name."""
    logging["handlers"]["ignored_cache_errors"] = {
        "class": "shop.observability.metrics.IgnoredCacheErrors"
    }
    logging["loggers"][IGNORED_ERRORS_LOGGER] = {
        "handlers": ["ignored_cache_errors"],
        "level": "ERROR",
        "propagate": False,
    }
    return IGNORED_ERRORS_LOGGER
