"""The Redis store against a real redis-server: concurrency, restarts, passwords, outages."""

import json
import logging
import os
import subprocess
import sys

import pytest

from cart.services import cart_add_item, cart_get
from cart.stores import CartUnavailable
from shop.dto import CartItem
from testing.fixtures import point_at_redis
from testing.servers import RedisServer

from .conftest import add_concurrently

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("catalog")]

MUG = "6E92ZMYYFZ"


@pytest.mark.django_db(transaction=True)
def test_50_concurrent_adds_of_one_leave_exactly_50(use_redis):
    assert add_concurrently(50, user_id="crowd", product_id=MUG) == []
    assert cart_get(user_id="crowd").items == (CartItem(MUG, 50),)


READ_CART = """
import json
from cart.client import cart_client
cart = cart_client().get_cart("survivor")
print(json.dumps([[i.product_id, i.quantity] for i in cart.items]))
"""


def test_a_cart_survives_a_restart_of_the_web_process(use_redis):
    cart_add_item(user_id="survivor", product_id=MUG, quantity=3)
    # A new web process: nothing shared with this one but the Redis behind REDIS_URL.
    env = {**os.environ, "REDIS_URL": use_redis.url, "ENV_FILE": os.devnull}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", READ_CART],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [[MUG, 3]]


def test_the_password_is_honoured(settings, redis_settings_template, caplog):
    server = RedisServer(password="correct horse")
    try:
        point_at_redis(settings, redis_settings_template, server.url)
        cart_add_item(user_id="alice", product_id=MUG, quantity=2)
        assert cart_get(user_id="alice").items == (CartItem(MUG, 2),)

        for wrong in (
            server.url.replace("correct horse", "wrong"),
            server.url.replace(":correct horse@", ""),
        ):
            point_at_redis(settings, redis_settings_template, wrong)
            with (
                caplog.at_level(logging.ERROR, logger="cart.stores"),
                pytest.raises(CartUnavailable, match="temporarily unavailable"),
            ):
                cart_get(user_id="alice")
            assert "Redis refused the credentials in REDIS_URL" in caplog.text
            caplog.clear()
    finally:
        server.stop()


def test_an_outage_is_unavailable_and_heals_by_itself(use_redis):
    cart_add_item(user_id="alice", product_id=MUG, quantity=1)
    use_redis.halt()
    try:
        with pytest.raises(CartUnavailable):
            cart_add_item(user_id="alice", product_id=MUG, quantity=1)
        with pytest.raises(CartUnavailable):
            cart_get(user_id="alice")
    finally:
        use_redis.start()
    # The test server keeps nothing on disk, so the restarted Redis is empty; what matters is
    # that the same process works again without any reconnect by hand.
    cart_add_item(user_id="alice", product_id=MUG, quantity=2)
    assert cart_get(user_id="alice").items == (CartItem(MUG, 2),)
