"""The storefront's versioned cache: one version read per page, versions only move forward."""

from django.core.cache import cache
from django.test.utils import override_settings

from storefront import pagecache

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
    pagecache.forget_memory()  # what this process remembered is gone after MEMORY_SECONDS
    assert pagecache.version() > bumped
    assert pagecache.cached(("greeting",), lambda: "recomputed") == "recomputed"


def test_a_hot_entry_is_read_from_memory_until_a_bump(monkeypatch):
    from django.core.cache import cache

    pagecache.read(("hot",)).get(("hot",), lambda: "first")
    assert pagecache.read(("hot",)).get(("hot",), lambda: "recomputed") == "first"
    reads = []
    original = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or original(keys))
    assert pagecache.read(("hot",)).get(("hot",), lambda: "recomputed") == "first"
    assert reads == []  # no round trip
    pagecache.bump()
    assert pagecache.read(("hot",)).get(("hot",), lambda: "second") == "second"
    assert len(reads) == 1


def test_memory_lasts_only_memory_seconds(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    pagecache.read(("brief",)).get(("brief",), lambda: "v1")
    assert pagecache.read(("brief",)).get(("brief",), lambda: "not again") == "v1"
    now[0] += pagecache.MEMORY_SECONDS + 0.01
    from django.core.cache import cache

    cache.delete(pagecache.entry_key(("brief",)))  # another process's edit expired it
    assert pagecache.read(("brief",)).get(("brief",), lambda: "v2") == "v2"


def test_memory_keeps_no_page_past_its_memory_seconds(monkeypatch):
    """A page read once is not kept until MEMORY_ENTRIES others come: the next read after
    PRUNE_SECONDS drops every entry whose MEMORY_SECONDS are over."""
    now = [2000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(pagecache, "_pruned_at", float("-inf"), raising=False)
    pagecache.forget_memory()
    for number in range(20):
        pagecache.read((f"crawled-{number}",))
    assert len(pagecache._memory) == 20
    now[0] += max(pagecache.MEMORY_SECONDS, pagecache.PRUNE_SECONDS) + 0.01
    pagecache.read(("the next page",))
    assert list(pagecache._memory) == [(pagecache.entry_key(("the next page",)),)]


def test_an_entry_computed_after_a_miss_is_remembered_with_the_read(monkeypatch):
    from django.core.cache import cache

    pagecache.read(("page",), ("rare",)).get(("page",), lambda: "page")
    reads = []
    original = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or original(keys))
    snapshot = pagecache.read(("page",), ("rare",))
    assert snapshot.get(("page",), lambda: "recomputed") == "page"
    assert snapshot.get(("rare",), lambda: "rare") == "rare"
    assert pagecache.read(("page",), ("rare",)).get(("rare",), lambda: "again") == "rare"
    assert reads == []


def test_a_visitors_odd_text_still_makes_a_valid_cache_key():
    from storefront.pagecache import entry_key

    assert entry_key(("product", "OLJCESPC7Z", "USD")) == "storefront:product:OLJCESPC7Z:USD"
    for odd in ("' OR 1=1; --", "9" * 400, "ünï cödé", "a b"):
        key = entry_key(("product", odd, "USD"))
        assert key.startswith("storefront:sha256:") and len(key) < 100
    assert entry_key(("product", "a b", "USD")) != entry_key(("product", "a  b", "USD"))


@override_settings(CACHES=LOCMEM)
def test_an_old_entry_is_rebuilt_by_one_request_while_the_others_show_it(monkeypatch):
    cache.clear()
    now = [pagecache.time.time()]
    monkeypatch.setattr(pagecache.time, "time", lambda: now[0])
    assert pagecache.cached(("hot",), lambda: "v1") == "v1"
    now[0] += pagecache.TIMEOUT + 1  # old, still kept for STALE_SECONDS
    pagecache.forget_memory()
    rebuilding = pagecache.entry_key(("hot",)) + ":rebuilding"
    assert cache.add(rebuilding, True)  # another request took the rebuild
    assert pagecache.cached(("hot",), lambda: "not this request's to rebuild") == "v1"
    cache.delete(rebuilding)
    pagecache.forget_memory()
    assert pagecache.cached(("hot",), lambda: "v2") == "v2"  # this request rebuilds it
    assert not cache.has_key(rebuilding)
    pagecache.forget_memory()
    assert pagecache.cached(("hot",), lambda: "fresh again: not recomputed") == "v2"


@override_settings(CACHES=LOCMEM)
def test_an_old_entry_of_an_older_version_is_never_shown(monkeypatch):
    cache.clear()
    now = [pagecache.time.time()]
    monkeypatch.setattr(pagecache.time, "time", lambda: now[0])
    pagecache.cached(("page",), lambda: "before the edit")
    now[0] += pagecache.TIMEOUT + 1
    pagecache.bump()
    assert pagecache.cached(("page",), lambda: "after the edit") == "after the edit"
