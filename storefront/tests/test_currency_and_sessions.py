"""The currency switch, logout and the visitor's session; failures and security headers."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from shop import registry
from shop.middleware import CONTENT_SECURITY_POLICY
from shop.urls import urlpatterns as shop_urlpatterns
from storefront.decorators import storefront_form
from storefront.session import visitor_id
from storefront.tests.support import (
    DownCurrency,
    choose_currency,
    with_session,
)

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
    assert "CHF" in html and "$19.99" not in html


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
    assert response.status_code == 200 and "$19.99" in response.content.decode()


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
    response = client.post("/logout", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Session.objects.filter(session_key=session_key).exists()
    for name in ("sessionid", "shop_currency"):
        assert response.cookies[name].value == "" and response.cookies[name]["max-age"] == 0


def test_logout_is_post_only_and_refused_from_another_site(client, shop_data):
    session_key = with_session(client)
    assert client.get("/logout").status_code == 405
    cross_site = client.post("/logout", HTTP_SEC_FETCH_SITE="cross-site")
    assert cross_site.status_code == 403
    assert Session.objects.filter(session_key=session_key).exists()
    assert 'method="post" action="/logout"' in client.get("/").content.decode()


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
