"""Impression and click counters in a real redis-server, shared by every process."""

import pytest
import redis

from ads import counters
from ads.models import Ad
from ads.services import ad_counters_flush, ads_select
from ads.tasks import counters_flush

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def redis_cache(settings, redis_server):
    """The shop configured as in production: REDIS_URL set, the cache in Redis."""
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    settings.REDIS_URL = redis_server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    yield client
    client.flushdb()


def test_pages_count_in_redis_and_the_periodic_task_moves_counts_to_the_database(
    redis_cache, demo_ads, client, monkeypatch
):
    # Impressions reach Redis once the process's buffer is due; here at once.
    monkeypatch.setattr(counters.impression_buffer, "interval", 0)
    assert isinstance(counters.counter_store(), counters.RedisCounters)
    for _ in range(4):
        (ad,) = ads_select(context_keys=["kitchen"])
    client.get(ad.redirect_url)
    jar = Ad.objects.get(name="Demo: glass jar")
    assert redis_cache.hget("ads:counters:impressions", str(jar.pk)) == b"4"
    assert (jar.impressions, jar.clicks) == (0, 0)

    assert counters_flush.delay().get() == 5
    jar.refresh_from_db()
    assert (jar.impressions, jar.clicks) == (4, 1)
    assert not redis_cache.exists("ads:counters:impressions", "ads:counters:clicks")
    assert ad_counters_flush() == 0


def test_counts_added_while_draining_are_kept(redis_cache):
    store = counters.RedisCounters(redis_cache)
    store.add({(counters.IMPRESSIONS, 1): 2, (counters.CLICKS, 1): 1})
    assert store.drain() == {(counters.IMPRESSIONS, 1): 2, (counters.CLICKS, 1): 1}
    store.add({(counters.IMPRESSIONS, 1): 1})
    assert store.drain() == {(counters.IMPRESSIONS, 1): 1}
    assert store.drain() == {}
