"""Cross-cutting page behaviour: health, robots, error pages, security headers, cross-origin."""

import pytest
from django.test import Client
from django.urls import path

from shop.errors import NotFound
from shop.middleware import CONTENT_SECURITY_POLICY
from shop.urls import urlpatterns as shop_urlpatterns
from storefront.decorators import storefront_form


@storefront_form
def _form_view(request):
    from django.http import HttpResponse

    return HttpResponse("posted")


def _raises_domain_error(request):
    raise NotFound("That product is no longer in the shop.")


def _crashes(request):
    raise RuntimeError("secret internals")


urlpatterns = [
    path("test/form", _form_view),
    path("test/domain-error", _raises_domain_error),
    path("test/crash", _crashes),
    *shop_urlpatterns,
]
handler404 = "storefront.error_pages.page_not_found"
handler500 = "storefront.error_pages.server_error"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_healthz_and_robots(client):
    response = client.get("/_healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert b"Disallow: /cart" in client.get("/robots.txt").content


def test_security_headers_on_every_page(client):
    response = client.get("/_healthz")
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_page_is_a_shop_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.content and b"Continue shopping" in response.content


def test_domain_error_becomes_its_page(client):
    response = client.get("/test/domain-error")
    assert response.status_code == 404
    assert b"That product is no longer in the shop." in response.content


def test_a_crash_shows_no_stack_trace():
    client = Client(raise_request_exception=False)
    response = client.get("/test/crash")
    assert response.status_code == 500
    assert b"secret internals" not in response.content
    assert b"Something went wrong" in response.content


def test_plain_form_post_without_token_works(client):
    # The original's load generator: no CSRF token, no Origin, no Sec-Fetch-Site.
    assert client.post("/test/form", {"a": "1"}).status_code == 200


def test_same_origin_browser_post_works(client):
    response = client.post("/test/form", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 200
    response = client.post("/test/form", HTTP_ORIGIN="http://testserver")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
    ],
)
def test_cross_origin_browser_post_is_refused(client, headers):
    response = client.post("/test/form", **headers)
    assert response.status_code == 403
    assert b"Cross-origin form posts are refused" in response.content


def test_admin_still_requires_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
