"""What a storefront page costs (queries, products fetched) and its rendered fragments,
shared across visitors and kept fresh."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client

from shop import memo, registry
from shop.dto import CartItem
from shop.errors import ServiceUnavailable
from storefront import pagecache
from storefront.shelves import PAGE_SIZE
from storefront.tests.support import (
    add_products,
    choose_currency,
    with_session,
)

# --- cost per page -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def memos_checked_once():
    """A memo compares its shared version at most once a second. These tests clear the cache
    (so the version is new) and count a page's queries: on a loaded machine a request that
    straddled that second read the rates twice, a count of the test's making, not the page's.
    Here each memo checks at its first use and not again."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(memo, "CHECK_SECONDS", float("inf"))
        yield


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # the catalog's page (count, rows, their categories) and its category list
        ("/", 6),
        ("/?page=1", 6),
        ("/product/OLJCESPC7Z", 4),  # the product and its categories
        ("/category/accessories", 5),  # the catalog's page
        ("/search?q=a", 5),  # the catalog's page
    ],
)
def test_pages_cost_the_same_queries_at_any_catalog_size(
    shop_data, cart, django_assert_num_queries, path, queries
):
    # A returning visitor (session) in euros; the cache is cold: the session (1), rates (1),
    # then what the catalog needs for the page.
    client = Client()
    with_session(client)
    choose_currency(client, "EUR")
    for added in (0, 3 * PAGE_SIZE):
        add_products(added)
        cache.clear()
        pagecache.forget_memory()  # as every process's memory after a second
        memo.forget_memory()  # the rates and products: after a minute
        with django_assert_num_queries(queries):
            assert client.get(path).status_code == 200


class CountingCatalog:
    """The real catalog, counting the products it hands the storefront (the work a page does
    beyond its queries: rows fetched, prices converted)."""

    def __init__(self):
        from catalog.local import LocalCatalogClient

        self.real = LocalCatalogClient()
        self.products_returned = 0

    def __getattr__(self, name):
        method = getattr(self.real, name)

        def counted(*args, **kwargs):
            result = method(*args, **kwargs)
            items = result.items if hasattr(result, "items") else result
            self.products_returned += len(items) if isinstance(items, list | tuple) else 1
            return result

        return counted


@pytest.mark.parametrize("path", ["/", "/?page=2", "/category/kitchen", "/search?q=item"])
def test_grid_pages_handle_a_page_of_products_whatever_the_catalog_size(shop_data, cart, path):
    """At 9 + 30 and at 9 + 300 products (all in the kitchen, all matching "item") a grid page
    receives the same number of products from the catalog: one page, never the whole catalog."""
    client = Client()
    returned = []
    for first, added in ((0, 30), (30, 270)):
        add_products(added, first=first, category="kitchen")
        cache.clear()
        pagecache.forget_memory()  # as every process's memory after a second
        memo.forget_memory()  # the rates and products: after a minute
        catalog = CountingCatalog()
        with registry.override("catalog", catalog):
            assert client.get(path).status_code == 200
        returned.append(catalog.products_returned)
    assert returned[0] == returned[1] <= PAGE_SIZE + 20


def test_a_warm_page_asks_the_database_for_nothing_but_the_session(
    shop_data, cart, django_assert_num_queries
):
    client = Client()
    with_session(client)
    choose_currency(client, "EUR")
    for path in ("/", "/product/OLJCESPC7Z", "/search?q=sunglasses"):
        client.get(path)
        with django_assert_num_queries(1):
            assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/product/OLJCESPC7Z", "/search?q=sunglasses"])
def test_staff_edits_show_at_once_on_cached_pages(
    client, shop_data, cart, django_capture_on_commit_callbacks, path
):
    assert "$19.99" in client.get(path).content.decode()
    product = apps.get_model("catalog", "Product").objects.get(pk="OLJCESPC7Z")
    product.price_amount = Decimal("21.50")
    product.save()
    assert "$21.50" in client.get(path).content.decode()
    choose_currency(client, "EUR")
    rate = apps.get_model("currency", "ExchangeRate").objects.get(code="USD")
    rate.rate_per_eur = Decimal("1.25")
    with django_capture_on_commit_callbacks(execute=True):  # the currency's own rate cache
        rate.save()
    assert "17,20\xa0€" in client.get(path).content.decode()


def test_cached_search_results_keep_their_own_query(shop_data, cart):
    add_products(PAGE_SIZE + 1)
    for query in ("item", "Item 1"):
        html = Client().get("/search", {"q": query, "utm_source": "x"}).content.decode()
        again = Client().get("/search", {"q": query}).content.decode()
        assert html == again and f"Results for “{query}”" in html
        assert f'value="{query}"' in html and "utm_source" not in html
    assert 'href="?q=item&amp;page=2"' in Client().get("/search?q=item").content.decode()


def test_recategorising_a_product_shows_at_once(client, shop_data, cart):
    assert 'href="/product/6E92ZMYYFZ"' not in client.get("/category/decor").content.decode()
    mug = apps.get_model("catalog", "Product").objects.get(pk="6E92ZMYYFZ")
    mug.categories.add("decor")
    assert 'href="/product/6E92ZMYYFZ"' in client.get("/category/decor").content.decode()


# --- rendered fragments --------------------------------------------------------------------


def test_a_rendered_grid_is_reused_across_visitors_and_kept_per_currency(shop_data, cart):
    catalog = CountingCatalog()
    with registry.override("catalog", catalog):
        dollars = [Client().get("/").content.decode() for _ in range(2)]
        asked_for_dollars = catalog.products_returned
        euro_visitors = [Client(), Client()]
        for visitor in euro_visitors:
            choose_currency(visitor, "EUR")
        euros = [visitor.get("/").content.decode() for visitor in euro_visitors]
    assert asked_for_dollars == catalog.products_returned / 2 > 0  # once per currency
    assert dollars[0] == dollars[1] and euros[0] == euros[1]
    assert "$19.99" in dollars[0] and "17,68\xa0€" not in dollars[0]
    assert "17,68\xa0€" in euros[0] and "$19.99" not in euros[0]


def test_a_cached_grid_links_its_pages_without_the_first_visitors_parameters(shop_data, cart):
    add_products(PAGE_SIZE)
    Client().get("/?page=1&utm_source=elsewhere")
    html = Client().get("/?page=1").content.decode()
    assert 'href="?page=2"' in html and "utm_source" not in html


def test_staff_edits_show_at_once_on_cached_grids(
    shop_data, cart, django_capture_on_commit_callbacks
):
    dollars, euros = Client(), Client()
    choose_currency(euros, "EUR")
    assert "$19.99" in dollars.get("/").content.decode()
    assert "17,68\xa0€" in euros.get("/").content.decode()
    product = apps.get_model("catalog", "Product").objects.get(pk="OLJCESPC7Z")
    product.price_amount = Decimal("21.50")
    with django_capture_on_commit_callbacks(execute=True):
        product.save()
    assert "$21.50" in dollars.get("/").content.decode()
    rate = apps.get_model("currency", "ExchangeRate").objects.get(code="USD")
    rate.rate_per_eur = Decimal("1.25")
    with django_capture_on_commit_callbacks(execute=True):  # the currency's own rate cache
        rate.save()
    assert "17,20\xa0€" in euros.get("/").content.decode()


@pytest.mark.parametrize("path", ["/", "/product/OLJCESPC7Z", "/category/accessories"])
def test_cached_pages_never_share_one_visitors_cart_size(shop_data, cart, path):
    first, second, newcomer = Client(), Client(), Client()
    cart.items[with_session(first)] = [CartItem("OLJCESPC7Z", 4)]
    cart.items[with_session(second)] = [CartItem("OLJCESPC7Z", 1)]
    assert 'aria-label="4 items in your cart">4<' in first.get(path).content.decode()
    assert 'aria-label="1 item in your cart">1<' in second.get(path).content.decode()
    assert 'aria-label="0 items in your cart">0<' in newcomer.get(path).content.decode()


@pytest.mark.django_db(transaction=True)  # the widget's lookups run in a worker thread
def test_recommendations_go_into_the_shell_once_they_have_something_to_show(shop_data, cart):
    class CountingRecommendations:
        calls = 0

        def list_recommendations(self, user_id, product_ids):
            CountingRecommendations.calls += 1
            return ["6E92ZMYYFZ"]

    with registry.override("recommendations", CountingRecommendations()):
        responses = [Client().get("/product/OLJCESPC7Z") for _ in range(3)]
    assert all(b'href="/product/6E92ZMYYFZ"' in response.content for response in responses)
    assert CountingRecommendations.calls == 1
    # Later visitors get the cards from the shell: the widget is not rendered again.
    for response in responses[1:]:
        assert "storefront/recommendations.html" not in {t.name for t in response.templates}


@pytest.mark.django_db(transaction=True)  # the widget's lookups run in a worker thread
def test_recommendations_missed_by_the_shell_go_into_it_once_they_answer(shop_data, cart):
    """A shell rendered while the service failed (or missed its deadline) lacks the cards; the
    first view that gets them puts them into the cached shell, so later views render no widget
    (it would otherwise be rendered on every view for as long as the shell lives)."""

    class LateRecommendations:
        calls = 0

        def list_recommendations(self, user_id, product_ids):
            LateRecommendations.calls += 1
            if LateRecommendations.calls == 1:
                raise ServiceUnavailable("Not answering yet.")
            return ["6E92ZMYYFZ"]

    with registry.override("recommendations", LateRecommendations()):
        responses = [Client().get("/product/OLJCESPC7Z") for _ in range(3)]
    # The shell's rendering failed, the first view's widget answered: it went into the shell.
    assert LateRecommendations.calls == 2
    assert all(b'href="/product/6E92ZMYYFZ"' in response.content for response in responses)
    for response in responses[1:]:
        assert "storefront/recommendations.html" not in {t.name for t in response.templates}
