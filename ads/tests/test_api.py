"""The ads service's HTTP edges: REST, the counted click, the admin list; and gRPC."""

import grpc
import pytest
from django.contrib.auth.models import User

from ads.client import GrpcAdClient, ad_client
from ads.counters import _local
from ads.errors import AdNotFound
from ads.models import Ad
from ads.services import InvalidContextKeys, ad_counters_flush
from shop import registry
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

from .factories import AdFactory


@pytest.mark.django_db
def test_rest_returns_matching_ads_with_their_click_urls(client, demo_ads):
    jar = Ad.objects.get(name="Demo: glass jar")
    response = client.get("/api/v1/ads/", {"context_keys": "garden, kitchen"})
    assert response.status_code == 200
    assert response.json() == {
        "ads": [{"text": jar.text, "redirect_url": f"/product/{jar.target}?ad={jar.pk}"}]
    }
    assert len(client.get("/api/v1/ads/").json()["ads"]) == 2


@pytest.mark.django_db
def test_rest_refuses_unreasonable_context_keys_clearly(client, demo_ads):
    response = client.get("/api/v1/ads/", {"context_keys": ",".join(["k"] * 21)})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_context_keys"


@pytest.mark.django_db
def test_a_click_is_counted_and_redirected_to_the_target(client, demo_ads):
    jar = Ad.objects.get(name="Demo: glass jar")
    response = client.get(f"/ads/{jar.pk}/click")
    assert response.status_code == 302
    assert response["Location"] == "/product/9SIQT8TOJO"
    assert "no-cache" in response["Cache-Control"]
    ad_counters_flush(store=_local)
    jar.refresh_from_db()
    assert jar.clicks == 1


@pytest.mark.django_db
def test_a_click_never_leaves_the_shop(client):
    ad = AdFactory(target="/cart")
    assert client.get(f"/ads/{ad.pk}/click")["Location"] == "/cart"
    # A row written around validation (raw update) still cannot redirect elsewhere.
    Ad.objects.filter(pk=ad.pk).update(target="//evil.example/")
    assert client.get(f"/ads/{ad.pk}/click")["Location"] == "/"


@pytest.mark.django_db
def test_an_unknown_ad_is_a_404_page(client):
    response = client.get("/ads/999999/click")
    assert response.status_code == 404
    assert b"There is no ad" in response.content


@pytest.mark.django_db
def test_admin_lists_counts_and_click_through_rate(client, demo_catalog):
    AdFactory(name="busy", impressions=200, clicks=3)
    AdFactory(name="new")
    client.force_login(User.objects.create_superuser("staff", "s@example.com", "pw"))
    page = client.get("/admin/ads/ad/", {"o": "10"}).content.decode()
    assert "1.50%" in page and "–" in page
    response = client.post(
        "/admin/ads/ad/add/",
        {"name": "evil", "text": "x", "target": "https://evil.example/", "context_keys": "",
         "active_from_0": "2025-01-01", "active_from_1": "00:00:00", "weight": "1"},
    )  # fmt: skip
    assert "Links to other sites are not allowed" in str(
        response.context["adminform"].form.errors["target"]
    )
    assert not Ad.objects.filter(name="evil").exists()


@pytest.mark.django_db(transaction=True)
def test_grpc_get_ads_over_a_real_channel(grpc_server, demo_ads):
    address = grpc_server("ads")
    stub = pb_grpc.AdServiceStub(grpc.insecure_channel(address))
    response = stub.GetAds(pb.AdRequest(context_keys=["footwear"]), timeout=5)
    loafers = Ad.objects.get(name="Demo: loafers")
    assert [(ad.text, ad.redirect_url) for ad in response.ads] == [
        (loafers.text, f"/product/{loafers.target}?ad={loafers.pk}")
    ]
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.GetAds(pb.AdRequest(context_keys=["x" * 101]), timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    remote = GrpcAdClient(address, deadline=5)
    assert len(remote.get_ads(["garden"])) == 2
    with pytest.raises(InvalidContextKeys):
        remote.get_ads(["k"] * 21)


@pytest.mark.django_db(transaction=True)
def test_a_storefront_with_a_remote_ad_service_counts_clicks_there(
    client, grpc_server, demo_ads, settings
):
    settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, "ads": grpc_server("ads")}
    registry.reset()
    jar = Ad.objects.get(name="Demo: glass jar")
    remote = ad_client()
    assert isinstance(remote, GrpcAdClient)
    assert remote.click(jar.pk) == "/product/9SIQT8TOJO"
    assert client.get(f"/ads/{jar.pk}/click")["Location"] == "/product/9SIQT8TOJO"
    for unknown in (999999, 2**63, -1):
        with pytest.raises(AdNotFound):
            remote.click(unknown)
    assert client.get("/ads/999999/click").status_code == 404
    ad_counters_flush(store=_local)
    jar.refresh_from_db()
    assert jar.clicks == 2


@pytest.mark.django_db
def test_a_click_answered_by_another_ad_service_never_leaves_the_shop(client, hostile_ad_service):
    assert ad_client().click(1) == "/"
    assert client.get("/ads/1/click")["Location"] == "/"
