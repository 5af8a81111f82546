"""The Redis circuit breaker (shop/redis_breaker.py) against a real redis-server, stopped and
hung (SIGSTOP: the kernel still accepts connections, nobody answers)."""

from __future__ import annotations

import logging
import threading

import pytest
import redis
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django_redis import get_redis_connection
from prometheus_client import REGISTRY

from cart.errors import CartUnavailable
from cart.stores import RedisCartStore
from shop.cache_settings import IGNORED_ERRORS_LOGGER
from shop.observability.metrics import IgnoredCacheErrors
from shop.redis_breaker import GuardedRedis, RedisUnavailable, ServerBreaker, server_breaker
from testing.servers import RedisServer, wait_until

pytestmark = [pytest.mark.redis]


def skipped() -> float:
    return REGISTRY.get_sample_value("boutique_redis_calls_skipped_total") or 0.0


def cache_errors_counted() -> float:
    labels = {"dependency": "redis", "component": "cache"}
    return REGISTRY.get_sample_value("boutique_dependency_errors_total", labels) or 0.0


def breaker_open() -> float:
    return REGISTRY.get_sample_value("boutique_circuit_breaker_open", {"service": "redis"}) or 0.0


def test_the_shops_redis_clients_are_guarded(own_redis):
    assert isinstance(get_redis_connection("default"), GuardedRedis)
    assert isinstance(get_redis_connection("sessions"), GuardedRedis)
    kwargs = get_redis_connection("default").connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == 1  # the suite's (testing/fixtures.py); production 0.25


@pytest.fixture
def counted_cache_errors(settings):
    """The errors the default cache ignores are counted, as shop/settings.py arranges with
    REDIS_URL set (the test process started without it)."""
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.DJANGO_REDIS_LOGGER = IGNORED_ERRORS_LOGGER
    handler = IgnoredCacheErrors()
    logger = logging.getLogger(IGNORED_ERRORS_LOGGER)
    logger.addHandler(handler)
    yield
    logger.removeHandler(handler)


def test_a_hung_redis_costs_a_few_timeouts_then_every_call_is_skipped(
    own_redis, settings, counted_cache_errors
):
    cache, store = caches["default"], RedisCartStore()
    cache.set("greeting", "hello")
    store.add("visitor", "OLJCESPC7Z", 1, line_limit=10)
    own_redis.pause()
    # REDIS_BREAKER_FAILURES timeouts in a row open the breaker...
    timeouts = cache_errors_counted()
    for _ in range(settings.REDIS_BREAKER_FAILURES):
        assert cache.get("greeting") is None
    assert breaker_open() == 1
    assert cache_errors_counted() == timeouts + settings.REDIS_BREAKER_FAILURES
    # ...then nothing waits: the cache misses, the sessions and the cart raise, none is sent.
    before, cache_errors = skipped(), cache_errors_counted()
    assert cache.get("greeting") is None
    assert cache.get_many(["greeting", "other"]) == {}
    with pytest.raises(RedisUnavailable):
        caches["sessions"].get("session-key")
    with pytest.raises(CartUnavailable) as raised:
        store.lines("visitor")
    assert isinstance(raised.value.__cause__, RedisUnavailable)
    with pytest.raises(RedisUnavailable), get_redis_connection("default").pipeline() as pipe:
        pipe.get("greeting").get("other").execute()
    assert skipped() == before + 5
    assert cache_errors_counted() == cache_errors  # skipped calls are no new errors


def test_a_stopped_redis_opens_the_breaker_too(own_redis, settings):
    own_redis.halt()
    for _ in range(settings.REDIS_BREAKER_FAILURES):
        with pytest.raises(redis.ConnectionError) as refused:
            get_redis_connection("default").get("greeting")
        assert not isinstance(refused.value, RedisUnavailable)  # tried, and refused
    with pytest.raises(RedisUnavailable):
        get_redis_connection("default").get("greeting")


def test_an_answer_that_is_an_error_is_no_failure(own_redis, settings):
    connection = get_redis_connection("default")
    connection.set("text", "not a hash")
    for _ in range(settings.REDIS_BREAKER_FAILURES + 2):
        with pytest.raises(redis.ResponseError):
            connection.hgetall("text")  # WRONGTYPE: Redis answered
    assert connection.get("text") == b"not a hash"


def test_redis_is_used_again_after_the_cool_down_without_a_restart(own_redis, settings):
    settings.REDIS_BREAKER_COOLDOWN_SECONDS = 0.5
    cache = caches["default"]
    own_redis.pause()
    for _ in range(settings.REDIS_BREAKER_FAILURES):
        cache.get("greeting")
    assert breaker_open() == 1
    own_redis.resume()
    # The first call after the cool-down probes the server, which answers: closed again.
    wait_until(lambda: cache.set("greeting", "back") and cache.get("greeting") == "back")
    assert breaker_open() == 0
    assert RedisCartStore().add("visitor", "OLJCESPC7Z", 1, line_limit=10).quantity == 1


def test_while_half_open_one_call_probes_and_the_others_are_skipped(settings):
    breaker = ServerBreaker("test:1", failures=1, cooldown=0.05)
    with pytest.raises(redis.TimeoutError):
        breaker.call(_raise, redis.TimeoutError("hung"))
    with pytest.raises(RedisUnavailable):
        breaker.call(lambda: "not sent")
    wait_until(lambda: breaker.breaker.state == "half_open")

    probing, release = threading.Event(), threading.Event()

    def probe() -> str:
        probing.set()
        release.wait(10)
        return "answered"

    results: list[str] = []
    prober = threading.Thread(target=lambda: results.append(breaker.call(probe)))
    prober.start()
    assert probing.wait(10)
    with pytest.raises(RedisUnavailable):
        breaker.call(lambda: "not sent")  # the probe is still out
    release.set()
    prober.join(10)
    assert results == ["answered"]
    assert breaker.call(lambda: "sent") == "sent"  # closed


def test_a_breaker_that_could_never_open_or_close_is_refused():
    with pytest.raises(ImproperlyConfigured):
        ServerBreaker("test:1", failures=3, cooldown=0)
    with pytest.raises(ImproperlyConfigured):
        ServerBreaker("test:1", failures=0, cooldown=5)


def test_servers_have_breakers_of_their_own(own_redis, settings):
    elsewhere = RedisServer()
    try:
        own_redis.halt()
        for _ in range(settings.REDIS_BREAKER_FAILURES + 1):
            with pytest.raises(redis.ConnectionError):
                get_redis_connection("default").get("greeting")
        other = GuardedRedis.from_url(elsewhere.url)
        assert other.set("greeting", "hello") and other.get("greeting") == b"hello"
        assert server_breaker(other.server) is not server_breaker(
            get_redis_connection("default").server
        )
    finally:
        elsewhere.stop()


def _raise(error: Exception):
    raise error


def test_production_waits_a_quarter_second_for_redis_at_most():
    from shop.cache_settings import redis_caches

    caches_ = redis_caches("redis://127.0.0.1:6379/0", connect_timeout=0.25, socket_timeout=0.25)
    for alias in ("default", "sessions"):
        options = caches_[alias]["OPTIONS"]
        assert options["REDIS_CLIENT_CLASS"] == "shop.redis_breaker.GuardedRedis"
        assert options["SOCKET_TIMEOUT"] == options["SOCKET_CONNECT_TIMEOUT"] == 0.25
    assert caches_["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"]
    assert "IGNORE_EXCEPTIONS" not in caches_["sessions"]["OPTIONS"]
