"""The cart's rules, against both stores (the database and a real redis-server)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_redis import get_redis_connection

from cart import services
from cart.models import Cart as CartRow
from cart.services import (
    CartLineLimit,
    CartNotFound,
    InvalidCartId,
    InvalidQuantity,
    cart_add_item,
    cart_create,
    cart_empty,
    cart_get,
    cart_get_registered,
    cart_purge_idle,
    cart_remove_item,
    cart_set_quantity,
)
from shop.dto import CartItem
from shop.errors import NotFound

pytestmark = pytest.mark.usefixtures("catalog")

SUNGLASSES, MUG, WATCH = "OLJCESPC7Z", "6E92ZMYYFZ", "1YMWWN1N4O"


def test_adds_accumulate_per_product_in_added_order(any_store):
    cart_add_item(user_id="alice", product_id=SUNGLASSES, quantity=2)
    cart_add_item(user_id="alice", product_id=MUG, quantity=1)
    cart_add_item(user_id="alice", product_id=SUNGLASSES, quantity=3)
    cart = cart_get(user_id="alice")
    assert cart.items == (CartItem(SUNGLASSES, 5), CartItem(MUG, 1))
    assert cart.size == 6


def test_unknown_user_has_an_empty_cart(any_store):
    assert cart_get(user_id="nobody").items == ()


@pytest.mark.parametrize("quantity", [0, -1, 11, "3", 2.0, True, None])
def test_quantity_must_be_a_whole_number_from_1_to_10(any_store, quantity):
    with pytest.raises(InvalidQuantity, match="from 1 to 10"):
        cart_add_item(user_id="alice", product_id=SUNGLASSES, quantity=quantity)
    assert cart_get(user_id="alice").items == ()


def test_unknown_product_is_not_found_and_changes_nothing(any_store):
    with pytest.raises(NotFound, match="NOSUCHPROD"):
        cart_add_item(user_id="alice", product_id="NOSUCHPROD", quantity=1)
    assert cart_get(user_id="alice").items == ()


@pytest.mark.parametrize("user_id", ["", "x" * 129])
def test_user_id_is_required_and_bounded(any_store, user_id):
    with pytest.raises(InvalidCartId):
        cart_add_item(user_id=user_id, product_id=SUNGLASSES, quantity=1)


def test_a_line_stops_at_99_without_a_partial_add(any_store):
    for _ in range(9):
        cart_add_item(user_id="alice", product_id=MUG, quantity=10)
    cart_add_item(user_id="alice", product_id=MUG, quantity=9)
    with pytest.raises(CartLineLimit, match="at most 99"):
        cart_add_item(user_id="alice", product_id=MUG, quantity=1)
    assert cart_get(user_id="alice").items == (CartItem(MUG, 99),)


def test_set_quantity_and_remove(any_store):
    cart_add_item(user_id="alice", product_id=SUNGLASSES, quantity=2)
    cart_add_item(user_id="alice", product_id=MUG, quantity=1)
    cart_set_quantity(user_id="alice", product_id=SUNGLASSES, quantity=42)
    assert cart_get(user_id="alice").items[0] == CartItem(SUNGLASSES, 42)
    cart_set_quantity(user_id="alice", product_id=SUNGLASSES, quantity=0)
    assert cart_get(user_id="alice").items == (CartItem(MUG, 1),)
    cart_remove_item(user_id="alice", product_id=MUG)
    cart_remove_item(user_id="alice", product_id=WATCH)  # not in the cart: no change, no error
    assert cart_get(user_id="alice").items == ()


@pytest.mark.parametrize("quantity", [-1, 100])
def test_set_quantity_is_bounded(any_store, quantity):
    cart_add_item(user_id="alice", product_id=SUNGLASSES, quantity=2)
    with pytest.raises(InvalidQuantity, match="from 0 to 99"):
        cart_set_quantity(user_id="alice", product_id=SUNGLASSES, quantity=quantity)
    assert cart_get(user_id="alice").items == (CartItem(SUNGLASSES, 2),)


def test_empty_leaves_other_carts_alone(any_store):
    cart_add_item(user_id="alice", product_id=SUNGLASSES, quantity=2)
    cart_add_item(user_id="bob", product_id=MUG, quantity=1)
    cart_empty(user_id="alice")
    assert cart_get(user_id="alice").items == ()
    assert cart_get(user_id="bob").items == (CartItem(MUG, 1),)


def test_registered_carts_are_unguessable_and_survive_emptying(any_store):
    first, second = cart_create(), cart_create()
    assert first.user_id != second.user_id and len(first.user_id) >= 32
    cart_add_item(user_id=first.user_id, product_id=MUG, quantity=3)
    assert cart_get_registered(cart_id=first.user_id).items == (CartItem(MUG, 3),)
    cart_empty(user_id=first.user_id)
    assert cart_get_registered(cart_id=first.user_id).items == ()
    # A storefront or gRPC cart is not reachable as a registered cart.
    cart_add_item(user_id="alice", product_id=MUG, quantity=1)
    with pytest.raises(CartNotFound):
        cart_get_registered(cart_id="alice")


def test_redis_cart_expires_after_the_idle_time_refreshed_on_write(use_redis, settings):
    settings.CART_IDLE_SECONDS = 3600
    cart_add_item(user_id="alice", product_id=MUG, quantity=1)
    redis = get_redis_connection("default")
    assert 3590 < redis.ttl("cart:alice") <= 3600
    redis.expire("cart:alice", 10)
    cart_add_item(user_id="alice", product_id=MUG, quantity=1)
    assert redis.ttl("cart:alice") > 3590


def test_database_cart_is_gone_after_the_idle_time(use_database, settings):
    settings.CART_IDLE_SECONDS = 3600
    cart_add_item(user_id="alice", product_id=MUG, quantity=4)
    cart_add_item(user_id="bob", product_id=MUG, quantity=1)
    CartRow.objects.filter(id="alice").update(touched_at=timezone.now() - timedelta(hours=2))
    assert cart_get(user_id="alice").items == ()
    # A write to an idle cart starts a new one rather than reviving the old lines.
    cart_add_item(user_id="alice", product_id=SUNGLASSES, quantity=1)
    assert cart_get(user_id="alice").items == (CartItem(SUNGLASSES, 1),)
    CartRow.objects.filter(id="bob").update(touched_at=timezone.now() - timedelta(hours=2))
    assert cart_purge_idle() == 1
    assert list(CartRow.objects.values_list("id", flat=True)) == ["alice"]


def test_the_store_follows_redis_url(use_redis, settings):
    assert type(services.cart_store()).__name__ == "RedisCartStore"
    settings.REDIS_URL = ""
    assert type(services.cart_store()).__name__ == "DatabaseCartStore"
