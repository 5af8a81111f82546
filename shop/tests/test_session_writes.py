"""What a session costs Redis (shop.tracked_sessions): a new visitor's session is one SET NX, a
change is one SET XX, and Django's rules still hold (a taken key is not reused, a session deleted
meanwhile is not brought back). Counted with Redis's own command statistics."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, UpdateError
from django_redis import get_redis_connection

from shop.tracked_sessions import SessionStore

pytestmark = pytest.mark.redis

COMMANDS = ("exists", "get", "set")


def command_calls() -> dict[str, int]:
    stats = get_redis_connection("default").info("commandstats")
    return {name: stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in COMMANDS}


def sent_during(action) -> dict[str, int]:
    before = command_calls()
    action()
    after = command_calls()
    return {name: after[name] - before[name] for name in COMMANDS}


def stored(key: str) -> dict | None:
    """The session as another request would load it (None: there is none)."""
    session = SessionStore(key)
    data = session.load()
    return data if session.session_key else None


def created_as_a_request_does() -> SessionStore:
    """storefront.session.visitor_id's `create`, then SessionMiddleware's save at the response."""
    session = SessionStore()
    session.create()
    assert session.modified  # so the middleware sends the cookie
    session.save()
    return session


@pytest.mark.usefixtures("use_redis")
def test_a_new_visitors_session_is_one_write():
    made = []
    sent = sent_during(lambda: made.append(created_as_a_request_does()))
    # Django's cache sessions: EXISTS, SET NX, then GET and SET of the same empty session.
    assert sent == {"exists": 0, "get": 0, "set": 1}
    assert stored(made[0].session_key) == {}


@pytest.mark.usefixtures("use_redis")
def test_a_new_key_is_as_djangos_and_drawn_afresh():
    keys = {SessionStore()._get_new_session_key() for _ in range(50)}
    assert len(keys) == 50
    for key in keys:
        assert len(key) == 32
        assert set(key) <= set(VALID_KEY_CHARS)


@pytest.mark.usefixtures("use_redis")
def test_a_key_already_taken_is_not_used(monkeypatch):
    taken = created_as_a_request_does()
    taken["cart_note"] = "mine"
    taken.save()
    drawn = iter([taken.session_key, "a" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(drawn))

    session = created_as_a_request_does()

    assert session.session_key == "a" * 32
    assert stored(taken.session_key) == {"cart_note": "mine"}


@pytest.mark.usefixtures("use_redis")
def test_a_change_is_one_write_seen_by_the_next_request():
    session = created_as_a_request_does()
    session["currency"] = "EUR"

    sent = sent_during(session.save)

    assert sent == {"exists": 0, "get": 0, "set": 1}  # Django's: a GET, then the SET
    assert stored(session.session_key) == {"currency": "EUR"}


@pytest.mark.usefixtures("use_redis")
def test_a_session_emptied_by_its_request_is_written_empty():
    session = created_as_a_request_does()
    session["currency"] = "EUR"
    session.save()
    del session["currency"]

    session.save()

    assert stored(session.session_key) == {}


@pytest.mark.usefixtures("use_redis")
def test_a_session_deleted_meanwhile_is_not_brought_back():
    session = created_as_a_request_does()
    SessionStore(session.session_key).delete()  # a logout in another request
    session["currency"] = "EUR"

    with pytest.raises(UpdateError):
        session.save()

    assert stored(session.session_key) is None
