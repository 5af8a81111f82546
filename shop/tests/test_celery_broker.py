"""The broker transport (shop/celery_broker.py): a channel keeps the Redis client it publishes
and acknowledges with, and builds a new one only with a new connection pool."""

from __future__ import annotations

from kombu import Connection

from shop.celery_broker import Transport


def test_a_channel_keeps_its_client_until_its_pool_is_replaced(redis_server):
    with Connection(redis_server.url, transport=Transport) as connection:
        channel = connection.default_channel
        client = channel._create_client()
        assert channel._create_client() is client
        channel._put("checkout-test", {"body": "one"})
        channel._put("checkout-test", {"body": "two"})
        assert channel._size("checkout-test") == 2
        assert channel._create_client() is client
        channel._disconnect_pools()  # as after a fork, or a lost connection
        replaced = channel._create_client()
        assert replaced is not client
        assert replaced.connection_pool is channel.pool
        assert channel._size("checkout-test") == 2


def test_the_event_loops_client_is_not_the_kept_one(redis_server):
    with Connection(redis_server.url, transport=Transport) as connection:
        channel = connection.default_channel
        assert channel._create_client(asynchronous=True) is not channel._create_client()
