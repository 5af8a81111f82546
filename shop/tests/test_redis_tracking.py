"""Sessions and carts remembered in the process, forgotten when Redis reports a write
(shop/redis_tracking.py), against a real redis-server: every write by anyone is seen by the very
next read, a read racing a write keeps nothing stale, and a lost connection, a flush, an open
breaker or an old entry all fall back to reading Redis."""

from __future__ import annotations

import time

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django_redis import get_redis_connection

from cart.stores import RedisCartStore
from shop import redis_tracking
from shop.redis_breaker import server_breaker
from shop.redis_tracking import TrackedReads, tracked_reads
from shop.tracked_sessions import SessionStore

pytestmark = pytest.mark.redis

MUG, SUNGLASSES = "6E92ZMYYFZ", "OLJCESPC7Z"


def calls(command: str) -> int:
    stats = get_redis_connection("default").info("commandstats")
    return stats.get(f"cmdstat_{command}", {}).get("calls", 0)


@pytest.fixture
def other_client(use_redis) -> redis.Redis:
    """Another process's connection, as far as Redis can tell: plain redis-py, no breaker."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def tracked(use_redis) -> TrackedReads:
    reads = tracked_reads()
    assert reads.connect()
    return reads


def test_a_remembered_cart_is_read_from_redis_once(tracked, other_client):
    other_client.hset("cart:c1", mapping={MUG: 2, SUNGLASSES: 1})
    store = RedisCartStore()
    before = calls("hgetall")
    for _ in range(5):
        assert store.lines("c1") == [(MUG, 2), (SUNGLASSES, 1)]
    assert calls("hgetall") == before + 1


def test_every_write_by_another_client_is_seen_by_the_very_next_read(tracked, other_client):
    store = RedisCartStore()
    for quantity in range(1, 301):
        other_client.hset("cart:c1", MUG, quantity)
        assert store.lines("c1") == [(MUG, quantity)]
        assert store.lines("c1") == [(MUG, quantity)]  # remembered, and still right
        if quantity % 50 == 0:
            other_client.delete("cart:c1")
            assert store.lines("c1") == []
    assert tracked.tracking


def test_a_session_deleted_elsewhere_is_gone_at_the_next_read(tracked, other_client):
    for _ in range(200):
        session = SessionStore()
        session["visitor"] = "known"
        session.create()
        session.save()
        key = session.session_key
        assert SessionStore(key).load() == {"visitor": "known"}
        assert SessionStore(key).load() == {"visitor": "known"}  # remembered
        other_client.delete(session._cache.make_key(session.cache_key))  # a logout elsewhere
        assert SessionStore(key).load() == {}


def test_a_session_changed_by_its_shopper_is_seen_by_the_next_page(tracked):
    session = SessionStore()
    session["step"] = 0
    session.create()
    for step in range(1, 200):
        session = SessionStore(session.session_key)
        assert session["step"] == step - 1
        session["step"] = step
        session.save()
    assert SessionStore(session.session_key)["step"] == 199


def test_a_remembered_session_is_decoded_afresh_for_each_use(tracked):
    session = SessionStore()
    session["cart"] = ["mug"]
    session.create()
    session.save()
    first = SessionStore(session.session_key).load()
    first["cart"].append("changed in place")
    first["other"] = 1
    assert SessionStore(session.session_key).load() == {"cart": ["mug"]}


def test_a_missing_session_is_not_remembered(tracked):
    before = calls("get")
    for _ in range(3):
        assert SessionStore("nosuchsessionkey123").load() == {}
    assert calls("get") == before + 3


def test_an_invalidation_that_arrives_during_the_read_keeps_the_old_value_out(
    tracked, other_client
):
    """The race: the read answers the old lines, another client writes, and another thread's
    lookup drains the invalidation before this read stores its value. The placeholder it put
    before reading is gone, so nothing is stored."""
    other_client.hset("cart:c1", MUG, 1)
    connection = get_redis_connection("default")

    def read_then_race():
        old = connection.hgetall("cart:c1")
        other_client.hset("cart:c1", MUG, 2)
        tracked.read("cart:another", lambda: ())  # another thread's lookup drains
        return tuple((field.decode(), int(value)) for field, value in old.items())

    assert tracked.read("cart:c1", read_then_race) == ((MUG, 1),)
    assert RedisCartStore().lines("c1") == [(MUG, 2)]


def test_a_flush_forgets_everything(tracked, other_client):
    other_client.hset("cart:c1", MUG, 1)
    store = RedisCartStore()
    assert store.lines("c1") == [(MUG, 1)]
    other_client.flushall()
    assert store.lines("c1") == []
    other_client.hset("cart:c1", MUG, 3)
    assert store.lines("c1") == [(MUG, 3)]


def test_a_killed_tracking_connection_forgets_everything_until_set_up_again(
    tracked, other_client, monkeypatch
):
    clock = [time.monotonic()]
    monkeypatch.setattr(redis_tracking.time, "monotonic", lambda: clock[0])
    other_client.hset("cart:c1", MUG, 1)
    store = RedisCartStore()
    assert store.lines("c1") == [(MUG, 1)]
    killed = sum(
        other_client.execute_command("CLIENT", "KILL", "ID", client["id"])
        for client in other_client.client_list()
        if client["name"] == "boutique-tracking"
    )
    assert killed >= 1
    before = calls("hgetall")
    for quantity in (2, 3):
        other_client.hset("cart:c1", MUG, quantity)
        assert store.lines("c1") == [(MUG, quantity)]
        assert store.lines("c1") == [(MUG, quantity)]
    assert not tracked.tracking
    assert len(tracked) == 0
    assert calls("hgetall") == before + 4  # nothing remembered meanwhile
    clock[0] += tracked.retry_interval  # a second later: set up again by the next lookup
    assert store.lines("c1") == [(MUG, 3)]
    assert tracked.tracking
    before = calls("hgetall")
    assert store.lines("c1") == [(MUG, 3)]
    assert store.lines("c1") == [(MUG, 3)]
    assert calls("hgetall") == before + 1


def test_an_entry_is_used_for_a_few_seconds_at_most(tracked, monkeypatch):
    clock = [time.monotonic()]
    monkeypatch.setattr(redis_tracking.time, "monotonic", lambda: clock[0])
    fetched = []

    def fetch():
        fetched.append(1)
        return ("value",)

    tracked.read("cart:c1", fetch)
    clock[0] += tracked.max_age - 0.01
    tracked.read("cart:c1", fetch)
    assert len(fetched) == 1
    clock[0] += 0.02
    tracked.read("cart:c1", fetch)
    assert len(fetched) == 2
    assert tracked.max_age == settings.REDIS_TRACKED_MAX_AGE_SECONDS == 5


def test_at_most_so_many_entries_the_least_recently_read_go_first(tracked, monkeypatch):
    clock = [time.monotonic()]
    monkeypatch.setattr(redis_tracking.time, "monotonic", lambda: clock[0])
    tracked.max_entries = 3
    for number in range(3):
        tracked.read(f"cart:c{number}", lambda: ())
    clock[0] += tracked.max_age  # c0 is read from Redis again: now the most recent
    tracked.read("cart:c0", lambda: ())
    for number in (3, 4):
        tracked.read(f"cart:c{number}", lambda: ())
    assert len(tracked) == 3
    fetched = []
    for number in (0, 3, 4):
        tracked.read(f"cart:c{number}", lambda number=number: fetched.append(number) or ())
    assert fetched == []  # c1 and c2 were pushed out, not c0
    tracked.read("cart:c1", lambda: fetched.append(1) or ())
    assert fetched == [1]


def test_keys_outside_the_tracked_prefixes_are_never_remembered(tracked):
    fetched = []
    for _ in range(3):
        tracked.read("page:1", lambda: fetched.append(1) or b"x")
    assert fetched == [1, 1, 1]


def test_nothing_is_remembered_while_the_breaker_is_not_closed(tracked, monkeypatch):
    tracked.read("cart:c1", lambda: ("old",))
    breaker = server_breaker(tracked.server).breaker
    monkeypatch.setattr(type(breaker), "closed", property(lambda self: False))
    assert tracked.read("cart:c1", lambda: ("new",)) == ("new",)
    assert tracked.read("cart:c1", lambda: ("newer",)) == ("newer",)
    assert not tracked.tracking and len(tracked) == 0


def test_a_failed_read_leaves_nothing_behind(tracked):
    def fails():
        raise redis.ConnectionError("down")

    with pytest.raises(redis.ConnectionError):
        tracked.read("cart:c1", fails)
    assert len(tracked) == 0
    assert tracked.read("cart:c1", lambda: ("back",)) == ("back",)


def test_a_forked_process_sets_up_its_own(use_redis, monkeypatch):
    parent = tracked_reads()
    monkeypatch.setattr(redis_tracking.os, "getpid", lambda: parent.pid + 1)
    child = tracked_reads()
    assert child is not parent and child.pid == parent.pid + 1


def test_without_redis_nothing_is_remembered(use_database):
    assert tracked_reads() is None
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_the_set_up_runs_on_a_thread_and_the_read_does_not_wait(use_redis, monkeypatch):
    monkeypatch.setattr(redis_tracking, "connect_in_background", True)
    reads = tracked_reads()
    assert reads.read("cart:c1", lambda: ("first",)) == ("first",)
    deadline = time.monotonic() + 10
    while not reads.tracking and time.monotonic() < deadline:
        time.sleep(0.01)
    assert reads.tracking
    reads.read("cart:c1", lambda: ("kept",))
    assert reads.read("cart:c1", lambda: ("not read",)) == ("kept",)


def test_with_redis_sessions_the_engine_remembers_reads(use_redis):
    assert settings.SESSION_ENGINE == "shop.tracked_sessions"
    assert issubclass(SessionStore, SessionBase)


@pytest.fixture
def warm_shopper(own_redis):
    shopper = Client()
    response = shopper.post("/cart", {"product_id": MUG, "quantity": "2"}, follow=True)
    assert response.status_code == 200
    for path in ("/", "/cart"):
        assert shopper.get(path).status_code == 200
    assert len(tracked_reads()) >= 2  # the session and the cart are remembered
    return shopper


@pytest.mark.usefixtures("demo_ads", "shipping")
def test_with_redis_stopped_pages_are_served_as_without_the_memory(own_redis, warm_shopper):
    own_redis.halt()
    started = time.monotonic()
    assert warm_shopper.get("/").status_code == 200
    page = warm_shopper.get("/cart")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "sessionid" not in page.cookies  # the session is neither lost nor new
    assert not tracked_reads().tracking and len(tracked_reads()) == 0
    # A stopped Redis refuses at once; a request never waits for the tracking set-up either.
    assert time.monotonic() - started < 30


def test_a_process_that_stops_reading_is_disconnected_not_buffered_for(tracked, other_client):
    """The tracking connection is a pub/sub client to Redis, under its output buffer limit: an
    idle process does not make Redis hold its invalidations without bound."""
    ours = [c for c in other_client.client_list() if c["name"] == redis_tracking.CONNECTION_NAME]
    assert len(ours) == 1 and "P" in ours[0]["flags"]
    limits = other_client.config_get("client-output-buffer-limit")["client-output-buffer-limit"]
    other_client.config_set("client-output-buffer-limit", "pubsub 1024 0 0")
    try:
        store = RedisCartStore()
        assert store.lines("c1") == []
        # Far more invalidations than the kernel's socket buffers take unread (long keys).
        for batch in range(20):
            with other_client.pipeline(transaction=False) as pipe:
                for number in range(500):
                    pipe.hset(f"cart:{batch}-{number}-{'x' * 2000}", MUG, 1)
                pipe.execute()
        other_client.hset("cart:c1", MUG, 2)
        assert store.lines("c1") == [(MUG, 2)]
        assert not tracked.tracking and len(tracked) == 0
    finally:
        other_client.config_set("client-output-buffer-limit", limits)


def test_a_password_is_given_and_a_refused_set_up_is_not_asked_again(
    settings, redis_settings_template, caplog
):
    from testing.fixtures import point_at_redis
    from testing.servers import RedisServer

    server = RedisServer(password="right")
    try:
        point_at_redis(settings, redis_settings_template, server.url.replace("right", "wrong"))
        reads = tracked_reads()
        assert not reads.connect()
        assert not reads.supported
        assert reads.read("cart:c1", lambda: ("read",)) == ("read",)
        assert reads.read("cart:c1", lambda: ("again",)) == ("again",)
        assert "refused client tracking" in caplog.text
        point_at_redis(settings, redis_settings_template, server.url)  # the right password
        assert tracked_reads().connect()
    finally:
        redis_tracking.reset_tracked_reads()
        server.stop()


def test_a_set_up_that_finishes_after_a_close_installs_nothing(use_redis):
    reads = tracked_reads()
    reads.close()  # replaced (REDIS_URL changed, a test reset) while its thread was connecting
    assert not reads.connect()
    assert not reads.tracking
    assert reads.read("cart:c1", lambda: ("read",)) == ("read",)
    assert reads.read("cart:c1", lambda: ("again",)) == ("again",)
