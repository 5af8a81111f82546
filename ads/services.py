"""Operations of the ads service: all its business rules live here."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import redis
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from shop import dto
from shop.observability.metrics import AD_CLICKS, AD_IMPRESSIONS, DEPENDENCY_ERRORS

from .counters import (
    CLICKS,
    IMPRESSIONS,
    KINDS,
    CounterStore,
    counter_store,
    impression_buffer,
)
from .errors import AdNotFound, InvalidContextKeys
from .models import Ad
from .targets import is_shop_path, parse_context_keys, target_url, tracked_url

logger = logging.getLogger(__name__)

MAX_ADS = 2
MAX_CONTEXT_KEYS = 20
MAX_CONTEXT_KEY_LENGTH = 100
LIVE_ADS_CACHE_KEY = "ads:live:v2"
# Staff edits invalidate the cache at once; the timeout only bounds how late an ad whose
# window opens on its own is first shown.
LIVE_ADS_CACHE_SECONDS = 60
# Each process also keeps the live ads in memory this long, so a page view makes no cache round
# trip: a staff edit reaches this process at once and the other processes within this time.
LIVE_ADS_MEMORY_SECONDS = 1.0

_memory_lock = threading.Lock()
_in_memory: tuple[float, list[LiveAd]] | None = None


@dataclass(frozen=True, slots=True)
class LiveAd:
    """What selection needs of an ad, small enough to cache for every page view."""

    id: int
    text: str
    weight: int
    context_keys: frozenset[str]
    active_from: datetime
    active_until: datetime | None
    # Where the ad leads, with its click parameter (targets.tracked_url).
    redirect_url: str = "/"

    def is_active(self, now: datetime) -> bool:
        return self.active_from <= now and (self.active_until is None or now < self.active_until)


def context_keys_clean(context_keys: Sequence[str]) -> frozenset[str]:
    if len(context_keys) > MAX_CONTEXT_KEYS:
        raise InvalidContextKeys(f"Send at most {MAX_CONTEXT_KEYS} context keys.")
    too_long = [key for key in context_keys if len(key) > MAX_CONTEXT_KEY_LENGTH]
    if too_long:
        raise InvalidContextKeys(
            f"A context key is at most {MAX_CONTEXT_KEY_LENGTH} characters long."
        )
    return frozenset(key.strip().lower() for key in context_keys if key.strip())


def live_ads_in_memory() -> list[LiveAd] | None:
    """The live ads this process read less than LIVE_ADS_MEMORY_SECONDS ago, else None."""
    memory = _in_memory
    if memory is None or time.monotonic() >= memory[0]:
        return None
    return memory[1]


def live_ads() -> list[LiveAd]:
    """Every ad that has not ended: from memory, else the cache, else the database."""
    global _in_memory
    ads = live_ads_in_memory()
    if ads is None:
        ads = _live_ads_cached()
        with _memory_lock:
            _in_memory = (time.monotonic() + LIVE_ADS_MEMORY_SECONDS, ads)
    return ads


def _live_ads_cached() -> list[LiveAd]:
    ads = cache.get(LIVE_ADS_CACHE_KEY)
    if ads is None:
        rows = Ad.objects.filter(
            Q(active_until__isnull=True) | Q(active_until__gt=timezone.now())
        ).order_by("pk")
        ads = [
            LiveAd(
                id=row.pk,
                text=row.text,
                weight=row.weight,
                context_keys=frozenset(parse_context_keys(row.context_keys)),
                active_from=row.active_from,
                active_until=row.active_until,
                redirect_url=ad_redirect_url(row.pk, row.target),
            )
            for row in rows
        ]
        cache.set(LIVE_ADS_CACHE_KEY, ads, LIVE_ADS_CACHE_SECONDS)
    return ads


def ads_changed() -> None:
    """Drop the cached ads now and again after the commit (a reader may have re-cached the old
    rows in between)."""
    _forget_live_ads()
    transaction.on_commit(_forget_live_ads)


def forget_process_state() -> None:
    """Drop what this process holds in memory: live ads and unsent counts (tests)."""
    global _in_memory
    with _memory_lock:
        _in_memory = None
    impression_buffer.drain()


def _forget_live_ads() -> None:
    global _in_memory
    with _memory_lock:
        _in_memory = None
    cache.delete(LIVE_ADS_CACHE_KEY)


T = TypeVar("T", bound=LiveAd)


def weighted_sample(ads: Sequence[T], *, k: int, rng: random.Random) -> list[T]:
    """Up to k distinct ads, each draw weighted by the ads' weights among those left."""
    pool = list(ads)
    chosen: list[T] = []
    while pool and len(chosen) < k:
        (index,) = rng.choices(range(len(pool)), weights=[ad.weight for ad in pool])
        chosen.append(pool.pop(index))
    return chosen


def ad_redirect_url(ad_id: int, target: str) -> str:
    """The ad's target page with its click parameter (`/product/OLJCESPC7Z?ad=7`): the original's
    scheme, which an original frontend can follow and our storefront counts. A target that is
    not a shop path (a row written around validation) goes through the click route instead,
    which logs it and sends the customer home."""
    url = target_url(target)
    if not is_shop_path(url):
        return reverse("ad-click", args=[ad_id])
    return tracked_url(url, ad_id)


def ads_select(*, context_keys: Sequence[str], rng: random.Random | None = None) -> list[dto.Ad]:
    """Up to MAX_ADS active ads: weighted rotation among those matching any context key, or
    among all active ads when none matches. Each returned ad counts one impression."""
    return _select(live_ads(), context_keys, rng)


def ads_select_in_memory(*, context_keys: Sequence[str]) -> list[dto.Ad] | None:
    """`ads_select` answered from this process's memory alone (no I/O but, once a second, the
    impression push), or None when the memory is stale: the page's fast path."""
    ads = live_ads_in_memory()
    return None if ads is None else _select(ads, context_keys, None)


def _select(
    ads: list[LiveAd], context_keys: Sequence[str], rng: random.Random | None
) -> list[dto.Ad]:
    keys = context_keys_clean(context_keys)
    now = timezone.now()
    active = [ad for ad in ads if ad.is_active(now)]
    matching = [ad for ad in active if ad.context_keys & keys]
    chosen = weighted_sample(matching or active, k=MAX_ADS, rng=rng or random)
    if chosen:
        AD_IMPRESSIONS.inc(len(chosen))
    _count_impressions({(IMPRESSIONS, ad.id): 1 for ad in chosen})
    return [dto.Ad(redirect_url=ad.redirect_url, text=ad.text) for ad in chosen]


def ad_click(*, ad_id: int) -> str:
    """Counts a click on the ad and returns where to send the customer (inside the shop)."""
    target = Ad.objects.filter(pk=ad_id).values_list("target", flat=True).first()
    if target is None:
        raise AdNotFound(ad_id)
    _count_or_keep({(CLICKS, ad_id): 1})
    AD_CLICKS.inc()
    url = target_url(target)
    if not is_shop_path(url):
        # Only a row written around the model's validation gets here; never leave the shop.
        logger.error("ad %s has a target outside the shop: %r", ad_id, target)
        return "/"
    return url


def _count_impressions(counts: dict[tuple[str, int], int]) -> None:
    """Impressions gather in this process and reach the shared store once a second (a crashed
    process loses at most that second of impressions; clicks are never buffered)."""
    if not counts:
        return
    impression_buffer.add(counts)
    if impression_buffer.flush_due():
        _count_or_keep(impression_buffer.drain())


def _count_or_keep(counts: dict[tuple[str, int], int]) -> None:
    """Counts now, or, when the shared store (Redis) does not answer, keeps the counts in this
    process's buffer: its next push, once Redis answers again, carries them. A page or a click
    never fails for a counter."""
    try:
        _count(counts)
    except redis.RedisError as error:
        impression_buffer.add(counts)
        DEPENDENCY_ERRORS.labels("redis", "ads").inc()
        logger.warning("Ad counts kept in this process until Redis answers: %s", error)


def _count(counts: dict[tuple[str, int], int]) -> None:
    if not counts:
        return
    store = counter_store()
    store.add(counts)
    if store.flush_due():
        ad_counters_flush(store=store)


def ad_counters_flush(*, store: CounterStore | None = None) -> int:
    """Moves the pending impression and click counts into the database in one UPDATE; returns
    how many were moved. On failure the counts go back to the store for the next flush."""
    store = store or counter_store()
    pending = impression_buffer.drain()
    try:
        store.add(pending)
    except redis.RedisError:
        impression_buffer.add(pending)
        raise
    counts = store.drain()
    if not counts:
        return 0
    ad_ids = sorted({ad_id for _kind, ad_id in counts})
    increments = {
        kind: F(kind)
        + Case(
            *[
                When(pk=ad_id, then=Value(count))
                for (counted_kind, ad_id), count in sorted(counts.items())
                if counted_kind == kind
            ],
            default=Value(0),
        )
        for kind in KINDS
        if any(counted_kind == kind for counted_kind, _ad_id in counts)
    }
    try:
        with transaction.atomic():
            Ad.objects.filter(pk__in=ad_ids).update(**increments)
    except Exception:
        store.add(counts)
        raise
    return sum(counts.values())


# Our own wording for the original's ad categories; each points at a demo product.
DEMO_ADS = [
    ("Demo: tank top", "Summer in soft cotton: the Tank Top, cool on the hottest days.",
     "66VCHSJNUP", "clothing, tops"),
    ("Demo: watch", "Time, kept quietly: a brushed steel Watch you can read at a glance.",
     "1YMWWN1N4O", "accessories"),
    ("Demo: loafers", "Hand-stitched suede Loafers, at home in the office and on the weekend.",
     "L9ECAV7KIM", "footwear"),
    ("Demo: hairdryer", "Dry, style, go: a travel Hairdryer light enough for any bag.",
     "2ZYFJ3GM2N", "hair, beauty"),
    ("Demo: candle holder", "Warm light for long evenings, in a stoneware Candle Holder.",
     "0PUK6V6EV0", "decor, home"),
    ("Demo: glass jar", "Keep your coffee fresh in a Bamboo Glass Jar, airtight and handsome.",
     "9SIQT8TOJO", "kitchen"),
]  # fmt: skip


@transaction.atomic
def demo_ads_load() -> int:
    """Creates the demo ads that are missing (by name); leaves existing ones alone."""
    created = 0
    for name, text, target, context_keys in DEMO_ADS:
        _ad, was_created = Ad.objects.get_or_create(
            name=name, defaults={"text": text, "target": target, "context_keys": context_keys}
        )
        created += was_created
    return created
