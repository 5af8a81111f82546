"""Ads link the original's way: to their page with a click parameter (`/product/<id>?ad=<n>`),
which an original frontend can follow and our storefront counts as the ad's click."""

import pytest

from ads.counters import _local
from ads.models import Ad
from ads.services import ad_counters_flush, ads_select
from ads.targets import tracked_url
from shop import registry
from shop.errors import ServiceUnavailable

from .factories import AdFactory

pytestmark = pytest.mark.django_db


def clicks(ad: Ad) -> int:
    ad_counters_flush(store=_local)
    ad.refresh_from_db()
    return ad.clicks


@pytest.mark.parametrize(
    ("url", "tracked"),
    [
        ("/product/OLJCESPC7Z", "/product/OLJCESPC7Z?ad=7"),
        ("/?page=2", "/?page=2&ad=7"),
        ("/search?q=mug&ad=3#top", "/search?q=mug&ad=7#top"),
    ],
)
def test_a_tracked_url_carries_the_ads_id(url, tracked):
    assert tracked_url(url, 7) == tracked


def test_ads_lead_to_their_target_page_with_the_click_parameter():
    product = AdFactory(name="p", target="OLJCESPC7Z", context_keys="kitchen")
    path = AdFactory(name="c", target="/category/kitchen", context_keys="decor")
    assert [ad.redirect_url for ad in ads_select(context_keys=["kitchen"])] == [
        f"/product/OLJCESPC7Z?ad={product.pk}"
    ]
    assert [ad.redirect_url for ad in ads_select(context_keys=["decor"])] == [
        f"/category/kitchen?ad={path.pk}"
    ]


def test_a_visit_from_an_ad_counts_its_click_and_redirects_to_the_clean_page(client):
    ad = AdFactory(name="p", target="/cart")
    response = client.get(f"/cart?ad={ad.pk}")
    assert response.status_code == 302 and response["Location"] == "/cart"
    assert "no-cache" in response["Cache-Control"]
    assert clicks(ad) == 1
    kept = client.get(f"/search?q=mug&ad={ad.pk}")
    assert kept["Location"] == "/search?q=mug"
    assert clicks(ad) == 2


@pytest.mark.parametrize("value", ["999999", "x", str(2**63), "9" * 5000, "-1", "", "١"])
def test_an_unknown_or_malformed_ad_id_only_redirects(client, value):
    response = client.get(f"/cart?ad={value}")
    assert response.status_code == 302 and response["Location"] == "/cart"


def test_the_redirect_never_leaves_the_shop(client):
    # Browsers read `/\host` as `//host`, another site.
    assert client.get("/\\evil.example/?ad=1")["Location"] == "/"


def test_the_old_click_route_still_counts(client):
    ad = AdFactory(name="p", target="OLJCESPC7Z")
    assert client.get(f"/ads/{ad.pk}/click")["Location"] == "/product/OLJCESPC7Z"
    assert clicks(ad) == 1


class DownAdService:
    def click(self, ad_id: int) -> str:
        raise ServiceUnavailable("The ad service is not answering.")


def test_with_the_ad_service_down_the_visit_still_reaches_its_page(client):
    with registry.override("ads", DownAdService()):
        response = client.get("/product/OLJCESPC7Z?ad=7")
    assert response.status_code == 302 and response["Location"] == "/product/OLJCESPC7Z"
