"""The optional widgets on the storefront's pages: the ad banner (home, product, cart) and the
recommendations (product, cart), with the real ads and recommendations services in-process.

The widgets run in the optional-call pool threads (shop.resilience), so these tests use a
transactional database (the threads must see the data) and a generous deadline.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db.backends.utils import CursorWrapper
from django.test import Client

from ads.services import demo_ads_load
from catalog.services import demo_catalog_load
from currency.services import rates_load_initial
from recommendations.services import purchase_record, recommendations_rebuild
from shop import resilience

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def shop_with_widgets(settings):
    settings.OPTIONAL_SERVICE_DEADLINE_SECONDS = 5.0
    resilience.reset_breakers()
    cache.clear()
    demo_catalog_load()
    rates_load_initial()
    demo_ads_load()
    purchase_record(order_id="first", product_ids=["OLJCESPC7Z", "2ZYFJ3GM2N"])
    recommendations_rebuild()
    yield
    resilience.reset_breakers()
    cache.clear()


@contextmanager
def queries_in_every_thread():
    """Counts the SQL statements of every thread (the widgets query from pool threads, which
    django_assert_num_queries does not see)."""
    statements: list[str] = []
    execute, executemany = CursorWrapper.execute, CursorWrapper.executemany

    def counted_execute(self, sql, params=None):
        statements.append(sql)
        return execute(self, sql, params)

    def counted_executemany(self, sql, param_list):
        statements.append(sql)
        return executemany(self, sql, param_list)

    CursorWrapper.execute, CursorWrapper.executemany = counted_execute, counted_executemany
    try:
        yield statements
    finally:
        CursorWrapper.execute, CursorWrapper.executemany = execute, executemany


def recommended_ids(html: str) -> list[str]:
    section = html.split('class="recommendations"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="/product/([A-Z0-9]+)"', section)


def test_home_page_shows_an_ad_and_a_warm_page_asks_only_for_the_visitor():
    client = Client()
    session = client.session
    session.save()
    client.cookies["sessionid"] = session.session_key
    client.get("/")  # warms the page cache, the rate table and the live ads
    with queries_in_every_thread() as statements:
        html = client.get("/").content.decode()
    assert 'class="ad-banner"' in html and 'class="ad" href="' in html
    # The session and the header's cart size (the database cart store); the ads are cached.
    assert len(statements) == 2
    assert "django_session" in statements[0] and "cart_cartline" in statements[1]


def test_product_page_shows_ads_for_its_categories_and_recommendations():
    html = Client().get("/product/OLJCESPC7Z").content.decode()  # sunglasses: accessories
    banner = html.split('class="ad-banner"', 1)[1].split("</aside>", 1)[0]
    assert 'rel="sponsored nofollow"' in banner
    assert "You may also like" in html
    recommended = recommended_ids(html)
    assert recommended[0] == "2ZYFJ3GM2N"  # bought together with it
    assert "OLJCESPC7Z" not in recommended and len(recommended) == 5


def test_recommendation_cards_show_prices_in_the_visitors_currency():
    client = Client()
    for currency, symbol in (("EUR", "€"), ("USD", "$"), ("EUR", "€")):
        client.cookies["shop_currency"] = currency
        html = client.get("/product/OLJCESPC7Z").content.decode()
        cards = html.split('class="recommendations"', 1)[1].split("</section>", 1)[0]
        prices = re.findall(r'<span class="price">([^<]+)</span>', cards)
        assert len(prices) == len(recommended_ids(html)) == 5
        # Cached per currency: never the other currency's cards.
        assert all(symbol in price for price in prices), (currency, prices)


def test_cart_page_recommends_around_the_cart_and_shows_an_ad():
    client = Client()
    client.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": "1"})
    html = client.get("/cart").content.decode()
    recommended = recommended_ids(html)
    assert recommended[0] == "2ZYFJ3GM2N" and "OLJCESPC7Z" not in recommended
    assert 'class="ad-banner"' in html


def test_a_failing_ad_service_leaves_the_pages_whole():
    from shop import registry
    from shop.errors import ServiceUnavailable

    class DownAds:
        def ads_at_hand(self, context_keys):
            return None

        def get_ads(self, context_keys):
            raise ServiceUnavailable()

    with registry.override("ads", DownAds()):
        response = Client().get("/product/OLJCESPC7Z")
    assert response.status_code == 200
    assert 'class="ad-banner"' not in response.content.decode()
    assert "You may also like" in response.content.decode()
