"""What a shopper's page costs on a warm shop whose sessions, carts and page cache are on Redis
(a session, a cart of two lines, prices in euros): no database query, and the same Redis round
trips at 9 products and at many: none once the process remembers the shopper's session and cart
(shop/redis_tracking.py), two (the session, the cart) the first time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_redis import get_redis_connection

from shop.redis_tracking import tracked_reads
from storefront import pagecache
from storefront.tests.support import add_products

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("catalog", "rates", "shipping")]

PAGES = ("/", "/product/OLJCESPC7Z", "/cart", "/search?q=mug")
# The pages come from the process's memory, and so do the session and the cart once read: Redis
# tells the process when either is written.
ROUND_TRIPS = 0
# A process that has not read this shopper yet: the session, the cart.
FIRST_VIEW_ROUND_TRIPS = 2


def commands_processed() -> int:
    """Commands the real Redis server has answered so far (this INFO not counted)."""
    return get_redis_connection("default").info("stats")["total_commands_processed"]


def cost(client: Client, path: str) -> tuple[int, int]:
    """(database queries, Redis commands) of the cheapest of three warm requests: a memory
    that lapses between two requests (each lasts a second) costs one more round trip now and
    then, which is not what grows with the catalog."""
    client.get(path)
    costs = []
    for _ in range(3):
        before = commands_processed()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        costs.append((len(queries), commands_processed() - before - 1))
    return min(costs)


def test_a_shoppers_pages_cost_the_same_round_trips_at_any_catalog_size(use_redis):
    shopper = Client()
    for product_id, quantity in (("OLJCESPC7Z", 1), ("66VCHSJNUP", 2)):
        shopper.post("/cart", {"product_id": product_id, "quantity": quantity})
    shopper.cookies["shop_currency"] = "EUR"
    costs = {}
    for added in (0, 300):
        add_products(added, category="kitchen")
        pagecache.bump()  # every page built again over the larger catalog
        costs[added] = {path: cost(shopper, path) for path in PAGES}
    assert costs[0] == costs[300] == {path: (0, ROUND_TRIPS) for path in PAGES}


def first_view_cost(client: Client, path: str) -> int:
    tracked_reads().forget_everything()
    before = commands_processed()
    assert client.get(path).status_code == 200
    return commands_processed() - before - 1


def test_a_shoppers_first_view_in_a_process_reads_the_session_and_the_cart(use_redis):
    shopper = Client()
    for product_id, quantity in (("OLJCESPC7Z", 1), ("66VCHSJNUP", 2)):
        shopper.post("/cart", {"product_id": product_id, "quantity": quantity})
    shopper.cookies["shop_currency"] = "EUR"
    for path in PAGES:
        shopper.get(path)  # the pages built and kept
    assert {path: first_view_cost(shopper, path) for path in PAGES} == {
        path: FIRST_VIEW_ROUND_TRIPS for path in PAGES
    }
