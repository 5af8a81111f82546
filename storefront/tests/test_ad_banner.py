import re

import pytest
from django.template import Context, Template

from ads.models import Ad
from shop import registry

pytestmark = pytest.mark.django_db(transaction=True)  # the tag calls from a worker thread

BANNER = Template("{% load ads %}{% ad_banner keys %}")


@pytest.fixture(autouse=True)
def generous_deadline(settings):
    settings.OPTIONAL_SERVICE_DEADLINE_SECONDS = 5.0  # a loaded test machine is no outage


def test_the_banner_links_matching_ads_through_their_click_url(demo_ads):
    jar = Ad.objects.get(name="Demo: glass jar")
    html = BANNER.render(Context({"keys": ["kitchen"]}))
    assert f'href="/product/{jar.target}?ad={jar.pk}"' in html and jar.text in html
    assert 'rel="sponsored nofollow"' in html
    assert BANNER.render(Context({"keys": "kitchen, decor"})).count('class="ad"') == 2


def test_each_ad_is_a_labelled_card_with_a_call_to_action(demo_ads):
    jar = Ad.objects.get(name="Demo: glass jar")
    html = BANNER.render(Context({"keys": ["kitchen"]}))
    assert html.startswith('<aside class="ad-banner" aria-label="Advertisement">')
    card = re.search(
        rf'<a class="ad" href="/product/{jar.target}\?ad={jar.pk}"[^>]*>(.*?)</a>', html
    ).group(1)
    assert '<span class="ad-label">Ad</span>' in card
    assert f'<span class="ad-text">{jar.text}</span>' in card
    assert '<span class="ad-cta">Shop now</span>' in card


def test_the_banner_is_the_same_over_grpc(demo_ads, grpc_server, settings):
    settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, "ads": grpc_server("ads")}
    registry.reset()
    jar = Ad.objects.get(name="Demo: glass jar")
    html = BANNER.render(Context({"keys": ["kitchen"]}))
    assert f'href="/product/{jar.target}?ad={jar.pk}"' in html


def test_links_out_of_the_shop_from_a_remote_service_are_dropped(hostile_ad_service):
    html = BANNER.render(Context({"keys": []}))
    assert "javascript" not in html and "evil" not in html
    assert 'href="/product/OLJCESPC7Z"' in html and "&lt;b&gt;fine&lt;/b&gt;" in html
