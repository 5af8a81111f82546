import random
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from ads import counters
from ads.models import Ad
from ads.services import (
    DEMO_ADS,
    InvalidContextKeys,
    LiveAd,
    ad_counters_flush,
    ads_changed,
    ads_select,
    ads_select_in_memory,
    demo_ads_load,
    weighted_sample,
)
from ads.targets import validate_target

from .factories import AdFactory

pytestmark = pytest.mark.django_db


def ad_ids(ads) -> set[int]:
    return {int(parse_qs(urlsplit(ad.redirect_url).query)["ad"][0]) for ad in ads}


@pytest.mark.parametrize("target", ["OLJCESPC7Z", "/cart", "/product/OLJCESPC7Z", "/?page=2"])
def test_targets_inside_the_shop_are_accepted(target):
    validate_target(target)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "/ /evil.example",
        "javascript:alert(1)",
        "/admin/",
        "/api/v1/orders/",
        "evil.example/x",
    ],
)
def test_targets_outside_the_shop_are_refused(target):
    with pytest.raises(ValidationError):
        validate_target(target)


def test_a_target_product_must_exist(demo_catalog):
    ad = Ad(name="x", text="x", target="NOSUCHPROD", context_keys="Kitchen, decor ,kitchen")
    with pytest.raises(ValidationError) as excinfo:
        ad.full_clean()
    assert "NOSUCHPROD" in str(excinfo.value.message_dict["target"])
    ad.target = "OLJCESPC7Z"
    ad.full_clean()
    assert ad.context_keys == "decor, kitchen"


def test_demo_ads_cover_the_original_categories_once(demo_catalog):
    assert demo_ads_load() == len(DEMO_ADS)
    assert demo_ads_load() == 0
    keys = {key for ad in Ad.objects.all() for key in ad.context_keys.split(", ")}
    assert {"clothing", "accessories", "footwear", "hair", "decor", "kitchen"} <= keys
    for ad in Ad.objects.all():
        ad.full_clean()


def test_matching_ads_are_chosen_and_link_to_their_click_url(demo_ads):
    kitchen = Ad.objects.get(name="Demo: glass jar")
    ads = ads_select(context_keys=["Kitchen", "unknown"])
    assert [(ad.text, ad.redirect_url) for ad in ads] == [
        (kitchen.text, f"/product/{kitchen.target}?ad={kitchen.pk}")
    ]


def test_two_distinct_random_active_ads_when_nothing_matches(demo_ads):
    seen = set()
    for seed in range(20):
        ads = ads_select(context_keys=["garden"], rng=random.Random(seed))
        assert len(ads) == 2 and len(ad_ids(ads)) == 2
        seen |= ad_ids(ads)
    assert len(seen) > 2  # a rotation, not always the same two


def test_only_ads_inside_their_window_are_shown():
    now = timezone.now()
    AdFactory(name="ended", context_keys="kitchen", active_from=now - timedelta(days=2),
              active_until=now - timedelta(days=1))  # fmt: skip
    AdFactory(name="future", context_keys="kitchen", active_from=now + timedelta(days=1))
    current = AdFactory(name="current", context_keys="decor")
    for seed in range(10):
        assert ad_ids(ads_select(context_keys=["kitchen"], rng=random.Random(seed))) == {current.pk}


def test_rotation_follows_the_weights_without_repeats():
    ads = [
        LiveAd(
            id=i, text="", weight=w, context_keys=frozenset(), active_from=None, active_until=None
        )  # fmt: skip
        for i, w in [(1, 1), (2, 3), (3, 6)]
    ]
    rng = random.Random(7)
    first = Counter()
    for _ in range(3000):
        pair = weighted_sample(ads, k=2, rng=rng)
        assert len({ad.id for ad in pair}) == 2
        first[pair[0].id] += 1
    assert first[3] / 3000 == pytest.approx(0.6, abs=0.04)
    assert first[2] / 3000 == pytest.approx(0.3, abs=0.04)
    assert first[1] / 3000 == pytest.approx(0.1, abs=0.04)


def test_showing_ads_writes_nothing_to_the_database_until_the_flush(
    demo_ads, django_assert_num_queries
):
    ads_select(context_keys=["kitchen"])  # warms the live-ads cache
    with django_assert_num_queries(0):
        for _ in range(5):
            ads_select(context_keys=["kitchen"])
    jar = Ad.objects.get(name="Demo: glass jar")
    assert jar.impressions == 0
    assert ad_counters_flush() == 6
    jar.refresh_from_db()
    assert jar.impressions == 6
    assert ad_counters_flush() == 0


def test_in_process_counters_flush_themselves_every_interval(demo_ads):
    clock = [0.0]
    store = counters.LocalCounters(clock=lambda: clock[0])
    jar = Ad.objects.get(name="Demo: glass jar")
    store.add({(counters.IMPRESSIONS, jar.pk): 2})
    assert not store.flush_due()
    clock[0] += counters.FLUSH_INTERVAL
    assert store.flush_due()
    ad_counters_flush(store=store)
    assert not store.flush_due()
    jar.refresh_from_db()
    assert jar.impressions == 2


def test_a_failed_flush_keeps_the_counts_for_the_next_one(demo_ads):
    jar = Ad.objects.get(name="Demo: glass jar")
    store = counters.LocalCounters()
    store.add({(counters.IMPRESSIONS, jar.pk): 3, (counters.CLICKS, jar.pk): 1})

    def refuse_updates(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE"):
            raise RuntimeError("database went away")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_updates), pytest.raises(RuntimeError):
        ad_counters_flush(store=store)
    assert ad_counters_flush(store=store) == 4
    jar.refresh_from_db()
    assert (jar.impressions, jar.clicks) == (3, 1)


@pytest.mark.parametrize(
    "keys,message",
    [(["k"] * 21, "at most 20 context keys"), (["x" * 101], "at most 100 characters")],
)
def test_unreasonable_context_keys_are_refused(keys, message):
    with pytest.raises(InvalidContextKeys, match=message):
        ads_select(context_keys=keys)


def test_a_staff_edit_is_served_at_once(demo_ads):
    ads_select(context_keys=["kitchen"])
    Ad.objects.filter(name="Demo: glass jar").get().delete()
    assert ads_select(context_keys=["kitchen"]) and all(
        "Jar" not in ad.text for ad in ads_select(context_keys=["kitchen"])
    )


def test_impressions_are_handed_on_once_a_second():
    now = [100.0]
    buffer = counters.LocalCounters(interval=1.0, clock=lambda: now[0])
    buffer.add({("impressions", 1): 1})
    now[0] += 0.5
    buffer.add({("impressions", 1): 1})
    assert not buffer.flush_due()
    now[0] += 0.6
    assert buffer.flush_due()
    assert buffer.drain() == {("impressions", 1): 2}
    assert not buffer.flush_due()


def test_a_page_view_answers_from_memory_without_a_cache_round_trip(demo_ads, monkeypatch):
    assert ads_select_in_memory(context_keys=["kitchen"]) is None  # nothing read yet
    ads_select(context_keys=["kitchen"])
    monkeypatch.setattr("ads.services.cache.get", lambda *a, **k: pytest.fail("cache read"))
    shown = ads_select_in_memory(context_keys=["kitchen"])
    assert shown and len(shown) <= 2


def test_a_staff_edit_clears_this_process_memory_at_once(demo_ads):
    ads_select(context_keys=["kitchen"])
    assert ads_select_in_memory(context_keys=["kitchen"]) is not None
    Ad.objects.update(weight=2)  # no signal: a queryset update
    ads_changed()
    assert ads_select_in_memory(context_keys=["kitchen"]) is None
