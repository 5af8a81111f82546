"""The Redis half of a backup: the keys that are data, not cache — carts and sessions.

Each key is copied with DUMP and its remaining time to live (PTTL) and put back with RESTORE, so
any type round-trips unchanged; payloads are Redis's own serialization, so a backup restores into
the same or a newer Redis. Copying the RDB file instead would need access to the Redis server's
disk (a managed Redis gives none) and would bring back the cache and the Celery queues too.

SCAN walks the keys while the shop runs: each key is copied atomically, the set as a whole is not
one instant (a cart changed during the backup is saved either before or after that change).
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Callable, Iterator
from functools import wraps
from importlib import import_module
from pathlib import Path

import redis
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends import cache as cached_sessions
from django.core.cache import caches
from django.core.management.base import CommandError

FILE = "redis.jsonl"
BATCH = 500


def client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=30)


def patterns() -> dict[str, str]:
    """label -> SCAN pattern of the keys to keep. An app keeping data in Redis declares its own
    with a `redis_backup_patterns()` method on its AppConfig; sessions are Django's."""
    found = {}
    for config in apps.get_app_configs():
        if hasattr(config, "redis_backup_patterns"):
            found.update(config.redis_backup_patterns())
    # Django's cache sessions, or an engine built on them (shop.tracked_sessions).
    engine = import_module(settings.SESSION_ENGINE).SessionStore
    if issubclass(engine, cached_sessions.SessionStore):
        sessions = caches[settings.SESSION_CACHE_ALIAS]
        found["sessions"] = sessions.make_key(f"{engine.cache_key_prefix}*")
    return found


def _clear_errors(function: Callable) -> Callable:
    """Redis down or refusing the password: one line for the operator, not a traceback. redis-py's
    messages name the host and port, never the password."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except redis.RedisError as exc:
            raise CommandError(f"Redis: {exc}") from exc

    return wrapper


@_clear_errors
def is_empty(connection: redis.Redis) -> bool:
    return not any(
        next(connection.scan_iter(match=p, count=BATCH), None) for p in patterns().values()
    )


@_clear_errors
def dump(connection: redis.Redis, path: Path) -> Counter[str]:
    """Writes one JSON line per key to `path`; keys per label."""
    counts: Counter[str] = Counter()
    with path.open("w") as out:
        for label, pattern in patterns().items():
            counts[label] += 0
            for batch in _batches(connection.scan_iter(match=pattern, count=BATCH)):
                with connection.pipeline(transaction=True) as pipe:
                    for key in batch:
                        pipe.dump(key).pttl(key)
                    answers = pipe.execute()
                for key, payload, ttl in zip(batch, answers[::2], answers[1::2], strict=True):
                    if payload is None or ttl == 0:
                        continue  # expired or deleted since SCAN saw it (-1: no expiry, kept)
                    line = {"label": label, "key": _text(key), "pttl": max(ttl, 0),
                            "dump": _text(payload)}  # fmt: skip
                    out.write(json.dumps(line) + "\n")
                    counts[label] += 1
    return counts


@_clear_errors
def load(connection: redis.Redis, path: Path, *, replace: bool) -> Counter[str]:
    """RESTOREs every key of `path` with the time to live it had at backup time; keys per label.
    Without `replace`, a key that already exists makes Redis refuse (BUSYKEY)."""
    counts: Counter[str] = Counter()
    with path.open() as lines:
        for batch in _batches(json.loads(line) for line in lines):
            with connection.pipeline(transaction=False) as pipe:
                for key in batch:
                    pipe.restore(_bytes(key["key"]), key["pttl"], _bytes(key["dump"]),
                                 replace=replace)  # fmt: skip
                pipe.execute()
            counts.update(key["label"] for key in batch)
    return counts


def _batches(items) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _text(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _bytes(text: str) -> bytes:
    return base64.b64decode(text)
