"""The storefront's versioned cache: one version read per page, versions only move forward."""

from django.core.cache import cache
from django.test.utils import override_settings

from shop import pagecache

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@override_settings(CACHES=LOCMEM)
def test_a_bump_hides_older_entries_and_a_lost_version_never_goes_back():
    cache.clear()
    first = pagecache.cached(("greeting",), lambda: "hello")
    assert pagecache.cached(("greeting",), lambda: "not computed again") == first
    pagecache.bump()
    assert pagecache.cached(("greeting",), lambda: "after the edit") == "after the edit"

    bumped = pagecache.version()
    cache.delete(pagecache.VERSION_KEY)  # evicted
    assert pagecache.version() > bumped
    assert pagecache.cached(("greeting",), lambda: "recomputed") == "recomputed"
