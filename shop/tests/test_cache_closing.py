"""Django's per-request `close_caches` is left out when no configured cache does anything on
close (shop/cache_closing.py)."""

import pytest
from django.core.cache import close_caches
from django.core.signals import request_finished

from shop.cache_closing import closing_does_nothing, skip_closing_caches_that_stay_open

REDIS = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@pytest.mark.parametrize(
    ("config", "does_nothing"),
    [
        (REDIS, True),
        ({**REDIS, "OPTIONS": {"CLOSE_CONNECTION": True}}, False),
        ({"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, True),
        ({"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache"}, False),
        ({"BACKEND": "django.core.cache.backends.redis.RedisCache"}, True),
    ],
)
def test_which_caches_do_nothing_on_close(config, does_nothing):
    assert closing_does_nothing(config) is does_nothing


def test_django_redis_global_close_setting_counts(settings):
    settings.DJANGO_REDIS_CLOSE_CONNECTION = True
    assert closing_does_nothing(REDIS) is False


def test_the_running_shop_does_not_close_its_caches_per_request():
    # Connected by Django at import, disconnected by the shop's ready(): disconnecting it again
    # finds nothing.
    assert request_finished.disconnect(close_caches) is False


def test_a_cache_that_closes_keeps_djangos_receiver(settings):
    settings.CACHES = {**settings.CACHES, "memcached": {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
    }}  # fmt: skip
    request_finished.connect(close_caches)
    try:
        assert skip_closing_caches_that_stay_open() is False
        assert request_finished.disconnect(close_caches) is True
    finally:
        request_finished.disconnect(close_caches)
