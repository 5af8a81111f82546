"""The database health probe around RPCs (shop/rpc/connection_hygiene.py): at most one per
PROBE_SECONDS per thread, never skipped for a connection that was not verified.

Each test runs in a thread of its own, as a server thread: its own connection, nothing verified.
"""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection

from shop.rpc import connection_hygiene

pytestmark = pytest.mark.django_db(transaction=True)


def in_a_new_thread(test: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        failures: list[BaseException] = []

        def body() -> None:
            try:
                test()
            except BaseException as failure:
                failures.append(failure)
            finally:
                connection.close()

        thread = threading.Thread(target=body)
        thread.start()
        thread.join()
        if failures:
            raise failures[0]

    run.__name__ = test.__name__
    return run


def _call(*, query: bool, started: float | None = None) -> list[str]:
    """One RPC's hygiene around an optional query; the aliases whose probe it skipped."""
    started = time.monotonic() if started is None else started
    skipped = connection_hygiene.before_call()
    if query:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    connection_hygiene.after_call(skipped, started)
    return skipped


@in_a_new_thread
def test_a_connection_verified_by_the_last_call_is_not_probed_again():
    _call(query=True)  # opens the connection: verified
    assert _call(query=True) == ["default"]
    assert connection.health_check_done is False  # reset after the call, as Django does


@in_a_new_thread
def test_the_probe_comes_back_once_the_last_verification_is_older_than_the_window():
    long_ago = time.monotonic() - connection_hygiene.PROBE_SECONDS
    _call(query=True, started=long_ago)
    assert _call(query=True) == []


@in_a_new_thread
def test_a_call_that_skipped_the_probe_leaves_the_verification_time_as_it_was():
    window = connection_hygiene.PROBE_SECONDS
    # A verification stamped later than now keeps the window open whatever the machine's pace.
    _call(query=True, started=time.monotonic() + 60)
    # This call skips the probe: its own start (long ago) must not replace the stamp...
    assert _call(query=True, started=time.monotonic() - 10 * window) == ["default"]
    # ...so the next call still counts from the first one.
    assert _call(query=True) == ["default"]


@in_a_new_thread
def test_a_connection_no_call_verified_is_probed():
    with connection.cursor() as cursor:  # opened in this thread, outside any call
        cursor.execute("SELECT 1")
    assert _call(query=True) == []


def test_connections_are_listed_until_every_alias_is_open_in_the_thread(monkeypatch):
    from django.db import connections

    listed = []
    list_them = connections.all
    monkeypatch.setattr(connections, "all", lambda **kw: listed.append(1) or list_them(**kw))

    @in_a_new_thread
    def in_a_server_thread() -> None:
        _call(query=False)  # nothing open in this thread yet: listed before and after
        assert len(listed) == 2
        _call(query=True)  # opened during the call: listed before, and found after
        assert _call(query=True) == ["default"]  # so verified by it
        count = len(listed)
        _call(query=False)
        assert len(listed) == count  # all open: the thread's list is kept
        connection.close()  # a closed connection stays the same object: still handled
        _call(query=True)
        assert len(listed) == count

    in_a_server_thread()
