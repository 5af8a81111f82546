"""Django closes every cache a request used when the request finishes (`close_caches`, a
`request_finished` receiver), for backends that open a connection per request (memcached).

The shop's caches keep their connections for the life of the process: django-redis's `close`
does nothing unless its CLOSE_CONNECTION option (or DJANGO_REDIS_CLOSE_CONNECTION) asks for it,
and the local-memory cache's never does. Walking the caches to call those no-ops was ~3 % of a
storefront page's CPU in a gunicorn worker (py-spy; docs/decisions.md, "Pages: work every request
paid for nothing"), so the receiver is disconnected when every configured cache would do nothing.
A cache whose close does something keeps Django's behaviour for all of them."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import close_caches
from django.core.cache.backends.base import BaseCache
from django.core.signals import request_finished
from django.utils.module_loading import import_string

DJANGO_REDIS = "django_redis.cache.RedisCache"


def closing_does_nothing(config: dict) -> bool:
    """Whether the cache `config` (one entry of CACHES) does nothing when closed."""
    if config["BACKEND"] == DJANGO_REDIS:
        default = getattr(settings, "DJANGO_REDIS_CLOSE_CONNECTION", False)
        return not config.get("OPTIONS", {}).get("CLOSE_CONNECTION", default)
    return import_string(config["BACKEND"]).close is BaseCache.close


def skip_closing_caches_that_stay_open() -> bool:
    """Disconnects Django's per-request `close_caches` when no configured cache needs it;
    True if it did."""
    if all(closing_does_nothing(config) for config in settings.CACHES.values()):
        return request_finished.disconnect(close_caches)
    return False
