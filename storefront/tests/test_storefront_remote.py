"""The storefront with the catalog and currency services behind real gRPC channels (the
microservices deployment): same pages, same prices, same error pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from catalog.services import demo_catalog_load
from currency.services import rates_load_initial
from shop import registry
from storefront.tests.support import FakeCart
from testing.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def remote_shop(settings, grpc_server):
    demo_catalog_load()
    rates_load_initial()
    cache.clear()
    address = grpc_server("catalog", "currency")
    settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, "catalog": address, "currency": address}
    registry.reset()
    with registry.override("cart", FakeCart()):
        yield settings
    cache.clear()


def test_pages_over_grpc(remote_shop):
    client = Client()
    assert client.post("/setCurrency", {"currency_code": "EUR"}).status_code == 302
    assert "17,68\xa0€" in client.get("/").content.decode()
    assert "17,68\xa0€" in client.get("/product/OLJCESPC7Z").content.decode()
    assert 'href="/product/6E92ZMYYFZ"' in client.get("/search?q=mug").content.decode()
    missing = client.get("/product/NOSUCHITEM")
    assert missing.status_code == 404 and "NOSUCHITEM" in missing.content.decode()


def test_unreachable_currency_service_is_a_503_page(remote_shop):
    remote_shop.GRPC_RETRY_ATTEMPTS = 1
    remote_shop.GRPC_DEADLINE_SECONDS = 1.0
    remote_shop.SERVICE_ADDRS = {
        **remote_shop.SERVICE_ADDRS,
        "currency": f"127.0.0.1:{free_port()}",
    }
    registry.reset()
    client = Client(raise_request_exception=False)
    client.cookies["shop_currency"] = "EUR"
    response = client.get("/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Temporarily unavailable" in html and "Traceback" not in html
    assert "StatusCode" not in html and "127.0.0.1" not in html
