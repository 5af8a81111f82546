"""The storefront while Redis is hung (SIGSTOP) or stopped: pages that need no cart render, the
cart and checkout answer 503 with Retry-After, ad counts are kept until Redis is back."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from prometheus_client import REGISTRY
from redis import Redis

from ads import counters
from ads.models import Ad
from ads.services import ad_counters_flush
from testing.fixtures import FORM
from testing.servers import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("demo_ads", "shipping")]

SUNGLASSES, MUG = "OLJCESPC7Z", "6E92ZMYYFZ"
BROWSING = ("/", f"/product/{SUNGLASSES}", "/category/accessories", "/search?q=mug")


def metric(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


@pytest.fixture
def shopper(own_redis):
    """A visitor with a session and a cart, made while Redis answered."""
    client = Client()
    assert client.post("/cart", {"product_id": MUG, "quantity": "2"}).status_code == 302
    return client


@pytest.mark.parametrize("outage", ["hung", "stopped"])
def test_browsing_goes_on_and_the_cart_and_checkout_say_503_retry_later(own_redis, shopper, outage):
    own_redis.pause() if outage == "hung" else own_redis.halt()
    skipped_before = metric("boutique_redis_calls_skipped_total")
    for visitor in (Client(), shopper):
        for path in BROWSING:
            page = visitor.get(path)
            assert page.status_code == 200, path
            assert "sessionid" not in page.cookies  # the visitor's session is neither lost nor new
    for response in (
        shopper.get("/cart"),
        shopper.post("/cart", {"product_id": MUG, "quantity": "1"}),
        shopper.post("/cart/checkout", FORM),
        Client().post("/cart", {"product_id": MUG, "quantity": "1"}),
    ):
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "try again" in response.content.decode()
    # The breaker opened after the first few failures: the rest were skipped, not waited for.
    assert metric("boutique_redis_calls_skipped_total") > skipped_before + 10


def test_the_api_says_503_with_retry_after_while_redis_hangs(own_redis, shopper):
    cart = Client().post("/api/v1/carts/", {}, content_type="application/json").json()
    own_redis.pause()
    for _ in range(3):  # the breaker opens
        Client().get(f"/api/v1/carts/{cart['id']}/")
    response = Client().get(f"/api/v1/carts/{cart['id']}/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/problem+json"
    assert Client().get("/api/v1/products/").status_code == 200


@pytest.mark.django_db(transaction=True)  # the first ad lookup runs in a worker thread
def test_ad_counts_made_while_redis_is_down_reach_it_once_it_is_back(
    own_redis, settings, client, monkeypatch
):
    settings.REDIS_BREAKER_COOLDOWN_SECONDS = 0.5
    settings.OPTIONAL_SERVICE_DEADLINE_SECONDS = 10  # the banner is shown on a busy machine too
    monkeypatch.setattr(counters.impression_buffer, "interval", 0)  # every page hands them on
    shown_before = metric("boutique_ad_impressions_total")
    ad = Ad.objects.get(name="Demo: glass jar")
    own_redis.halt()
    for _ in range(3):
        assert client.get(f"/product/{SUNGLASSES}").status_code == 200
    click = client.get(reverse("ad-click", args=[ad.pk]))
    assert click.status_code == 302  # the visitor gets where the ad leads, counted or not
    shown = lambda: metric("boutique_ad_impressions_total") - shown_before  # noqa: E731
    assert shown() >= 3
    own_redis.start()

    redis = Redis.from_url(own_redis.url)  # the test's own look, past the shop's breaker

    def counted_in_redis() -> float:
        client.get("/")  # a page view hands on what this process kept
        impressions = redis.hvals(counters.RedisCounters.key_prefix + counters.IMPRESSIONS)
        return sum(int(count) for count in impressions)

    wait_until(lambda: counted_in_redis() == shown())
    assert redis.hget(counters.RedisCounters.key_prefix + counters.CLICKS, str(ad.pk)) == b"1"
    assert ad_counters_flush() == shown() + 1
    ad.refresh_from_db()
    assert ad.clicks == 1
