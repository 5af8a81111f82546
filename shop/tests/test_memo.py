"""The process-local memo (shop/memo.py): served from memory, dropped by a write here at once and
by a write in another process (the shared version) at the next check, passed by inside a
transaction."""

import pytest
from django.core.cache import cache
from django.db import transaction

from shop import memo
from shop.memo import Memo

# Outside a test transaction, as a server's reads are: a write's on-commit work runs at once.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def every_call_checks(monkeypatch):
    # The bound on another process's write is CHECK_SECONDS; zero makes each read check.
    monkeypatch.setattr(memo, "CHECK_SECONDS", 0.0)


def counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value

    return compute, calls


def test_a_remembered_value_is_not_computed_again():
    remembered = Memo("test:remembered")
    compute, calls = counting("a")
    assert remembered.get("k", compute) == "a"
    assert remembered.get("k", compute) == "a"
    assert len(calls) == 1


def test_a_write_in_this_process_drops_it_at_once():
    remembered = Memo("test:local-write")
    remembered.get("k", lambda: "old")
    remembered.changed()
    assert remembered.get("k", lambda: "new") == "new"


def test_a_write_in_another_process_drops_it_at_the_next_check(every_call_checks):
    here, there = Memo("test:shared"), Memo("test:shared")
    here.get("k", lambda: "old")
    there.changed()  # another process: only the shared version tells this one
    assert here.get("k", lambda: "new") == "new"


def test_a_missing_value_is_never_remembered():
    remembered = Memo("test:misses")

    def missing():
        raise LookupError

    for _ in range(2):
        with pytest.raises(LookupError):
            remembered.get("unknown", missing)
    assert remembered.get("unknown", lambda: "found") == "found"


def test_many_values_come_in_the_order_asked_and_only_the_missing_are_computed():
    remembered = Memo("test:many")
    remembered.get("b", lambda: "B")
    asked = []

    def compute_many(keys):
        asked.append(keys)
        return {key: key.upper() for key in keys if key != "x"}

    assert remembered.get_many(["a", "b", "c", "x"], compute_many) == {"a": "A", "b": "B", "c": "C"}
    assert asked == [["a", "c", "x"]]
    assert list(remembered.get_many(["c", "a"], compute_many)) == ["c", "a"]
    assert asked == [["a", "c", "x"]]


def test_a_value_computed_across_a_write_is_not_kept():
    remembered = Memo("test:race")

    def compute_during_a_write():
        remembered.changed()  # a write commits while the old rows are being read
        return "read before the write"

    remembered.get("k", compute_during_a_write)
    assert remembered.get("k", lambda: "fresh") == "fresh"


def test_a_transaction_that_wrote_reads_its_own_writes_and_leaves_nothing_behind():
    remembered = Memo("test:transaction")
    remembered.get("k", lambda: "committed")
    with transaction.atomic():
        assert remembered.get("k", lambda: "unused") == "committed"
        remembered.changed()
        assert remembered.get("k", lambda: "uncommitted") == "uncommitted"
        assert remembered.get("k", lambda: "uncommitted again") == "uncommitted again"
        transaction.set_rollback(True)
    assert remembered.get("k", lambda: "after the rollback") == "after the rollback"


def test_with_the_shared_cache_unreadable_values_live_one_check_only(every_call_checks, settings):
    remembered = Memo("test:cache-down")
    cache.delete(remembered.version_key)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    remembered.get("k", lambda: "old")
    assert remembered.get("k", lambda: "new") == "new"
