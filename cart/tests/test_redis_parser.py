"""The shop's Redis client parses replies with hiredis (pyproject.toml): a cart read is one
`HGETALL`, and parsing its reply in Python was a measurable part of a `GetCart`."""

import pytest
from django_redis import get_redis_connection
from redis._parsers import _HiredisParser


@pytest.mark.redis
def test_the_redis_client_of_carts_parses_with_hiredis(use_redis):
    connection = get_redis_connection("default").connection_pool.make_connection()
    try:
        assert isinstance(connection._parser, _HiredisParser)
    finally:
        connection.disconnect()
