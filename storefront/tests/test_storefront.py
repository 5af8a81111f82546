"""The storefront a customer browses: pages, prices per currency, the currency switch, logout.

Products and rates are seeded with the catalog's and currency's own loaders; the cart service is
a fake (the cart issue builds the real one) injected through the registry.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from catalog.services import demo_catalog_load
from currency.services import rates_load_initial
from shop import registry
from shop.dto import Cart, CartItem
from shop.errors import ServiceUnavailable
from shop.middleware import CONTENT_SECURITY_POLICY
from shop.money import Money
from shop.urls import urlpatterns as shop_urlpatterns
from storefront import pagecache
from storefront.decorators import storefront_form
from storefront.session import visitor_id
from storefront.shelves import PAGE_SIZE

DEMO_IDS = ["OLJCESPC7Z", "66VCHSJNUP", "1YMWWN1N4O", "L9ECAV7KIM", "2ZYFJ3GM2N",
            "0PUK6V6EV0", "LS4PSXUNUM", "9SIQT8TOJO", "6E92ZMYYFZ"]  # fmt: skip


class FakeCart:
    """Carts by user id, as the cart service keeps them."""

    def __init__(self) -> None:
        self.items: dict[str, list[CartItem]] = {}

    def get_cart(self, user_id: str) -> Cart:
        return Cart(user_id=user_id, items=tuple(self.items.get(user_id, ())))


class DownCart(FakeCart):
    def get_cart(self, user_id: str) -> Cart:
        raise ServiceUnavailable("The cart is down.")


class DownCurrency:
    def supported_currencies(self) -> list[str]:
        raise ServiceUnavailable()

    def convert(self, money: Money, to_currency: str) -> Money:
        raise ServiceUnavailable()


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    pagecache.forget_memory()  # as every process's memory after a second
    yield
    cache.clear()
    pagecache.forget_memory()  # as every process's memory after a second


@pytest.fixture
def shop_data(db):
    demo_catalog_load()
    rates_load_initial()


@pytest.fixture
def cart():
    fake = FakeCart()
    with registry.override("cart", fake):
        yield fake


def add_products(count: int, *, first: int = 0, category: str | None = None) -> None:
    """Generated products beyond the demo nine, for grids of more than one page.

    Test data only: the catalog has no service to create products yet (its seed_catalog command
    comes with the catalog issue), so the rows are written through the app registry.
    """
    product_model = apps.get_model("catalog", "Product")
    products = product_model.objects.bulk_create(
        product_model(
            id=f"GEN{n:07d}",
            name=f"Generated item {n:03d}",
            description="A generated product for a larger catalog.",
            picture="/static/catalog/products/OLJCESPC7Z.svg",
            price_amount=Decimal("10.00") + n,
        )
        for n in range(first, first + count)
    )
    if category:
        slot = apps.get_model("catalog", "Category").objects.get(slug=category)
        through = product_model.categories.through
        through.objects.bulk_create(through(product=p, category=slot) for p in products)


def choose_currency(client: Client, code: str) -> None:
    assert client.post("/setCurrency", {"currency_code": code}).status_code == 302


def with_session(client: Client) -> str:
    """Gives the test client a stored session, as a visitor who has been here before."""
    session = client.session
    session.save()
    client.cookies["sessionid"] = session.session_key
    return session.session_key


# --- pages -------------------------------------------------------------------------------


def test_home_shows_every_product_with_image_and_usd_price(client, shop_data, cart):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for product_id in DEMO_IDS:
        assert f'href="/product/{product_id}"' in html
        assert f'src="/static/catalog/products/{product_id}.svg"' in html
    assert "19.99 $" in html and "Salt &amp; Pepper Shakers" in html
    assert 'action="/setCurrency"' in html and 'href="/cart"' in html
    assert 'class="ad-slot"' in html


def test_eur_price_of_the_sunglasses_is_17_68_euros(client, shop_data, cart):
    choose_currency(client, "EUR")
    assert "17.68 €" in client.get("/").content.decode()
    assert "17.68 €" in client.get("/product/OLJCESPC7Z").content.decode()


# The sunglasses' 19.99 USD at the initial rates (per 1 EUR; USD 1.1305), worked out by hand:
# 19.99 / 1.1305 = 17.682441... EUR, times the currency's rate, rounded half-up to its minor
# unit. A wrong formula shows another price: truncating instead of rounding gives 26.74 CA$
# (26.7499973...) and 108.29 TRY; rounding the EUR step first (17.68 x 6.1247) gives 108.28 TRY.
@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("JPY", "2,235 ¥"),  # x 126.40 = 2235.0606..., no minor unit
        ("GBP", "15.20 £"),  # x 0.85970 = 15.2015...
        ("CAD", "26.75 CA$"),  # x 1.5128 = 26.7499973...
        ("TRY", "108.30 TRY"),  # x 6.1247 = 108.2996...
    ],
)
def test_prices_are_converted_rounded_and_formatted_per_currency(
    client, shop_data, cart, code, shown
):
    choose_currency(client, code)
    assert shown in client.get("/product/OLJCESPC7Z").content.decode()


def test_header_shows_the_visitors_cart_size(client, shop_data, cart):
    user_id = with_session(client)
    cart.items[user_id] = [CartItem("OLJCESPC7Z", 2), CartItem("6E92ZMYYFZ", 1)]
    assert 'aria-label="3 items in your cart">3<' in client.get("/").content.decode()


def test_cached_pages_keep_each_visitors_own_cart_size(shop_data, cart):
    first, second = Client(), Client()
    cart.items[with_session(first)] = [CartItem("OLJCESPC7Z", 4)]
    cart.items[with_session(second)] = [CartItem("OLJCESPC7Z", 1)]
    assert ">4</span>" in first.get("/").content.decode()
    assert ">1</span>" in second.get("/").content.decode()


@pytest.mark.django_db(transaction=True)  # the first ad lookup runs in a worker thread
@pytest.mark.parametrize("path", ["/", "/product/OLJCESPC7Z", "/category/kitchen"])
def test_a_visitor_without_a_session_gets_the_same_page_from_its_cached_shell(
    shop_data, cart, path
):
    # Ads rotate, so both visitors see one ad; recommendations are the same for both.
    from ads.services import demo_ads_load

    demo_ads_load()
    AdModel = apps.get_model("ads", "Ad")
    AdModel.objects.exclude(pk=AdModel.objects.order_by("pk").first().pk).delete()
    newcomer, returning = Client(), Client()
    with_session(returning)  # an empty cart, rendered around the fragment
    for client in (newcomer, returning):
        choose_currency(client, "EUR")
    shell_page = newcomer.get(path)
    rendered_page = returning.get(path)
    assert shell_page.status_code == rendered_page.status_code == 200
    assert shell_page.content == rendered_page.content
    html = shell_page.content.decode()
    assert "<!--widget:" not in html and "Cookie" in shell_page["Vary"]
    # Served from the shell: the page around the widgets is not rendered again.
    again = newcomer.get(path)
    assert "storefront/base.html" not in {template.name for template in again.templates}
    assert "storefront/base.html" in {template.name for template in returning.get(path).templates}
    assert ('href="/ads/' in html) == (path != "/category/kitchen")


@pytest.mark.django_db(transaction=True)  # the first ad lookup runs in a worker thread
def test_the_cached_shell_fills_in_a_fresh_ad_on_every_view(client, shop_data, cart):
    from ads.services import demo_ads_load

    demo_ads_load()
    shown = set()
    for _ in range(30):
        html = client.get("/").content.decode()
        assert html.count('href="/ads/') in (1, 2)
        shown |= {part.split('"')[0] for part in html.split('href="/ads/')[1:]}
    assert len(shown) > 2  # rotation, not one frozen ad


def test_a_new_visitor_has_an_empty_cart_and_gets_no_session(client, shop_data, cart):
    response = client.get("/")
    assert ">0</span>" in response.content.decode()
    assert "sessionid" not in response.cookies


def test_page_renders_without_cart_size_when_the_cart_service_fails(client, shop_data):
    with_session(client)
    with registry.override("cart", DownCart()):
        response = client.get("/")
    assert response.status_code == 200
    assert 'class="cart-size"' not in response.content.decode()
    assert 'href="/cart">Cart</a>' in response.content.decode()


def test_head_of_home(client, shop_data, cart):
    response = client.head("/")
    assert response.status_code == 200 and response.content == b""


def test_product_page(client, shop_data, cart):
    response = client.get("/product/LS4PSXUNUM")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Salt &amp; Pepper Shakers</h1>" in html
    assert "oak and glass shakers" in html
    assert 'src="/static/catalog/products/LS4PSXUNUM.svg"' in html
    assert "18.49 $" in html
    assert '<form class="add-to-cart" method="post" action="/cart">' in html
    assert '<input type="hidden" name="product_id" value="LS4PSXUNUM">' in html
    options = [f'<option value="{n}">{n}</option>' for n in range(1, 11)]
    assert all(option in html for option in options)
    assert '<option value="11">' not in html
    assert 'class="recommendations-slot"' in html and 'class="ad-slot"' in html
    assert 'href="/category/kitchen"' in html


def test_unknown_product_is_a_404_page_in_the_shop_design(client, shop_data, cart):
    response = client.get("/product/NOSUCHITEM")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no product with id &#x27;NOSUCHITEM&#x27; in the shop." in html
    assert 'class="site-header"' in html and "Continue shopping" in html
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_category_page_lists_only_that_category(client, shop_data, cart):
    response = client.get("/category/kitchen")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Kitchen</h1>" in html
    for product_id in ["LS4PSXUNUM", "9SIQT8TOJO", "6E92ZMYYFZ"]:
        assert f'href="/product/{product_id}"' in html
    assert 'href="/product/OLJCESPC7Z"' not in html


def test_unknown_category_is_a_404_page(client, shop_data, cart):
    response = client.get("/category/spaceships")
    assert response.status_code == 404
    assert "There is no category &#x27;spaceships&#x27;" in response.content.decode()


def test_search_matches_name_and_description_case_insensitively(client, shop_data, cart):
    html = client.get("/search", {"q": "MUG"}).content.decode()
    assert 'href="/product/6E92ZMYYFZ"' in html and 'href="/product/OLJCESPC7Z"' not in html
    html = client.get("/search", {"q": "polarised"}).content.decode()
    assert 'href="/product/OLJCESPC7Z"' in html
    assert 'value="polarised"' in html  # the search box keeps the query


def test_search_without_results_and_without_query(client, shop_data, cart):
    assert "Nothing matches “zzzz”" in client.get("/search", {"q": "zzzz"}).content.decode()
    response = client.get("/search")
    assert response.status_code == 200 and "Type a word" in response.content.decode()


def test_overlong_search_is_a_422_page(client, shop_data, cart):
    response = client.get("/search", {"q": "x" * 101})
    assert response.status_code == 422
    assert "at most 100 characters" in response.content.decode()


def test_grid_pages(client, shop_data, cart):
    add_products(2 * PAGE_SIZE)  # 33 products: 3 pages
    first = client.get("/").content.decode()
    assert "Page 1 of 3" in first and 'href="?page=2"' in first
    last = client.get("/", {"page": "3"}).content.decode()
    assert last.count('class="product-card"') == 9 and 'href="?page=2"' in last
    assert 'rel="next"' not in last
    for bad in ["4", "0", "-1", "abc", "²"]:
        assert client.get("/", {"page": bad}).status_code == 404


def test_search_pages_keep_the_query(client, shop_data, cart):
    add_products(2 * PAGE_SIZE)
    html = client.get("/search", {"q": "generated"}).content.decode()
    assert "24 products" in html and 'href="?q=generated&amp;page=2"' in html


# --- currency switch -----------------------------------------------------------------------


def test_set_currency_sets_a_safe_cookie_and_returns_to_the_shop_page(client, shop_data):
    response = client.post(
        "/setCurrency",
        {"currency_code": "EUR"},
        HTTP_REFERER="http://testserver/product/OLJCESPC7Z?x=1",
    )
    assert response.status_code == 302 and response["Location"] == "/product/OLJCESPC7Z?x=1"
    cookie = response.cookies["shop_currency"]
    assert cookie.value == "EUR"
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60


def test_currency_cookie_is_secure_when_https_only(client, shop_data, settings):
    settings.HTTPS_ONLY = True
    response = client.post("/setCurrency", {"currency_code": "EUR"})
    assert response.cookies["shop_currency"]["secure"]


@pytest.mark.parametrize(
    "referer",
    [
        None,
        "https://evil.example/product/OLJCESPC7Z",
        "http://testserver.evil.example/",
        "http://testserver//evil.example/",
        "http://testserver/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_set_currency_never_redirects_off_the_shop(client, shop_data, referer):
    extra = {"HTTP_REFERER": referer} if referer else {}
    response = client.post("/setCurrency", {"currency_code": "GBP"}, **extra)
    assert response.status_code == 302 and response["Location"] == "/"


def test_any_currency_of_the_rate_table_is_accepted(client, shop_data, cart):
    choose_currency(client, "chf")  # codes are case-insensitive
    html = client.get("/product/OLJCESPC7Z").content.decode()
    assert '<option value="CHF" selected>CHF</option>' in html
    assert "CHF" in html and "19.99 $" not in html


@pytest.mark.parametrize("code", ["XYZ", "", "EURO"])
def test_unknown_currency_is_a_422_page_and_sets_nothing(client, shop_data, code):
    response = client.post("/setCurrency", {"currency_code": code})
    assert response.status_code == 422
    assert "shop_currency" not in response.cookies
    html = response.content.decode()
    assert ("Please choose a currency." if not code else "cannot show prices in") in html


def test_a_tampered_currency_cookie_falls_back_to_dollars(client, shop_data, cart):
    client.cookies["shop_currency"] = "XYZ"
    response = client.get("/")
    assert response.status_code == 200 and "19.99 $" in response.content.decode()


def test_set_currency_only_accepts_posts(client, shop_data):
    assert client.get("/setCurrency").status_code == 405


def test_plain_non_browser_post_to_set_currency_works(shop_data):
    client = Client(enforce_csrf_checks=True)  # the load generator sends no token
    assert client.post("/setCurrency", {"currency_code": "EUR"}).status_code == 302


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://evil.example"}],
)
def test_cross_origin_browser_post_to_set_currency_is_refused(client, shop_data, headers):
    response = client.post("/setCurrency", {"currency_code": "EUR"}, **headers)
    assert response.status_code == 403 and "shop_currency" not in response.cookies


def test_same_origin_browser_post_to_set_currency_works(client, shop_data):
    response = client.post(
        "/setCurrency", {"currency_code": "EUR"}, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 302


# --- logout and sessions -------------------------------------------------------------------


def test_logout_clears_the_session_and_every_cookie(client, shop_data):
    session_key = with_session(client)
    choose_currency(client, "EUR")
    response = client.get("/logout")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Session.objects.filter(session_key=session_key).exists()
    for name in ("sessionid", "shop_currency"):
        assert response.cookies[name].value == "" and response.cookies[name]["max-age"] == 0


@storefront_form
def _cart_owner(request):
    return HttpResponse(visitor_id(request))


urlpatterns = [path("test/visitor", _cart_owner), *shop_urlpatterns]


@pytest.mark.urls(__name__)
def test_visitor_id_creates_one_lasting_session_with_a_safe_cookie(client, db):
    first = client.post("/test/visitor")
    cookie = first.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert Session.objects.filter(session_key=first.content.decode()).exists()
    assert client.post("/test/visitor").content == first.content


@pytest.mark.urls(__name__)
def test_visitor_id_ignores_a_session_key_the_server_never_issued(client, db):
    client.cookies["sessionid"] = "madeupkey12345678901234567890123"
    response = client.post("/test/visitor")
    assert response.content.decode() != "madeupkey12345678901234567890123"
    assert Session.objects.filter(session_key=response.content.decode()).exists()


# --- failures and security -----------------------------------------------------------------


def test_failing_currency_service_is_a_clear_503_page(shop_data, cart):
    client = Client(raise_request_exception=False)
    client.cookies["shop_currency"] = "EUR"
    with registry.override("currency", DownCurrency()):
        response = client.get("/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Temporarily unavailable" in html and "try again shortly" in html
    assert "Traceback" not in html and "ServiceUnavailable" not in html


@pytest.mark.parametrize("path", ["/", "/product/OLJCESPC7Z", "/category/kitchen", "/search?q=a"])
def test_security_headers_on_storefront_pages(client, shop_data, cart, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert "style=" not in html and "<script" not in html  # CSP allows neither inline


def test_storefront_static_files_are_served(client):
    for url in ["/static/storefront/shop.css", "/static/storefront/logo.svg"]:
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)


# --- cost per page -------------------------------------------------------------------------


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
    client.get("/")
    client.get("/product/OLJCESPC7Z")
    with django_assert_num_queries(1):
        client.get("/")
    with django_assert_num_queries(1):
        client.get("/product/OLJCESPC7Z")


def test_staff_edits_show_at_once_on_cached_pages(
    client, shop_data, cart, django_capture_on_commit_callbacks
):
    assert "19.99 $" in client.get("/product/OLJCESPC7Z").content.decode()
    product = apps.get_model("catalog", "Product").objects.get(pk="OLJCESPC7Z")
    product.price_amount = Decimal("21.50")
    product.save()
    assert "21.50 $" in client.get("/product/OLJCESPC7Z").content.decode()
    choose_currency(client, "EUR")
    rate = apps.get_model("currency", "ExchangeRate").objects.get(code="USD")
    rate.rate_per_eur = Decimal("1.25")
    with django_capture_on_commit_callbacks(execute=True):  # the currency's own rate cache
        rate.save()
    assert "17.20 €" in client.get("/product/OLJCESPC7Z").content.decode()


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
    assert "19.99 $" in dollars[0] and "17.68 €" not in dollars[0]
    assert "17.68 €" in euros[0] and "19.99 $" not in euros[0]


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
    assert "19.99 $" in dollars.get("/").content.decode()
    assert "17.68 €" in euros.get("/").content.decode()
    product = apps.get_model("catalog", "Product").objects.get(pk="OLJCESPC7Z")
    product.price_amount = Decimal("21.50")
    with django_capture_on_commit_callbacks(execute=True):
        product.save()
    assert "21.50 $" in dollars.get("/").content.decode()
    rate = apps.get_model("currency", "ExchangeRate").objects.get(code="USD")
    rate.rate_per_eur = Decimal("1.25")
    with django_capture_on_commit_callbacks(execute=True):  # the currency's own rate cache
        rate.save()
    assert "17.20 €" in euros.get("/").content.decode()


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
