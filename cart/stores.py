"""Where carts live: Redis when REDIS_URL is set, the database otherwise.

Both stores keep, per cart id, a quantity per product id, and the mark "registered" for carts
created through the REST API (so `carts/{id}/` can answer 404 for an id nobody created). Both
change a line atomically — concurrent adds never lose an update and the per-line maximum holds
under any interleaving — and forget a cart that was not written to for CART_IDLE_SECONDS.
They know nothing of products or the 1-10 rule: services.py validates before calling them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Protocol, TypeVar

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_redis import get_redis_connection

from shop.observability.metrics import DEPENDENCY_ERRORS
from shop.redis_tracking import remembered_read, track_prefix

from .errors import CartUnavailable
from .models import Cart, CartLine

logger = logging.getLogger(__name__)

DEFAULT_IDLE_SECONDS = 30 * 24 * 3600

T = TypeVar("T")


def idle_seconds() -> int:
    return int(getattr(settings, "CART_IDLE_SECONDS", DEFAULT_IDLE_SECONDS))


@dataclass(frozen=True, slots=True)
class Added:
    quantity: int  # the line's new quantity
    first_item: bool  # the cart had no line before: this add started it


class CartStore(Protocol):
    def lines(self, cart_id: str) -> list[tuple[str, int]]:
        """(product id, quantity) in the order they were added; [] for an unknown cart."""
        ...

    def add(self, cart_id: str, product_id: str, quantity: int, *, line_limit: int) -> Added | None:
        """Adds to the line; None (and no change) past line_limit."""
        ...

    def set(self, cart_id: str, product_id: str, quantity: int) -> None:
        """Sets the line's quantity; 0 removes it."""
        ...

    def clear(self, cart_id: str) -> None:
        """Removes every line; a registered cart stays registered."""
        ...

    def register(self, cart_id: str) -> None: ...

    def is_registered(self, cart_id: str) -> bool: ...


def cart_store() -> CartStore:
    """Decided per call, so a settings change (tests, a reconfigured process) takes effect."""
    return RedisCartStore() if settings.REDIS_URL else DatabaseCartStore()


# --- Redis ----------------------------------------------------------------------------------

# A hash per cart: field = product id, value = quantity. The field "" (no product has an empty
# id) marks a registered cart. Scripts run atomically inside Redis, so the check of the limit and
# the increment cannot interleave with another client's.
_ADD = """
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local lines = redis.call('HLEN', KEYS[1]) - redis.call('HEXISTS', KEYS[1], '')
if current + tonumber(ARGV[2]) > tonumber(ARGV[3]) then
  return {-1, lines}
end
local quantity = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return {quantity, lines}
"""
_SET = """
if tonumber(ARGV[2]) > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 1
"""
_CLEAR = """
local registered = redis.call('HEXISTS', KEYS[1], '')
redis.call('DEL', KEYS[1])
if registered == 1 then
  redis.call('HSET', KEYS[1], '', 0)
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return 1
"""
REGISTERED_FIELD = ""


def _redis_errors_unavailable(method: Callable[..., T]) -> Callable[..., T]:
    """A Redis that does not answer (down, timed out, refusing our password) makes the cart
    unavailable — a 503 for the customer — never a 500; the next call simply tries again."""

    @wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except redis.AuthenticationError as exc:
            DEPENDENCY_ERRORS.labels("redis", "cart").inc()
            logger.error("Redis refused the credentials in REDIS_URL: %s", exc)
            raise CartUnavailable() from exc
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            DEPENDENCY_ERRORS.labels("redis", "cart").inc()
            logger.warning("Redis is unreachable for the cart: %s", exc)
            raise CartUnavailable() from exc

    return wrapper


class RedisCartStore:
    """A cart's lines are remembered in the process until Redis reports a write to its key
    (shop/redis_tracking.py): the scripts below need nothing more to be seen everywhere."""

    key_prefix = "cart:"

    def _key(self, cart_id: str) -> str:
        return f"{self.key_prefix}{cart_id}"

    def _run(self, script: str, cart_id: str, *args: object):
        connection = get_redis_connection("default")
        return connection.register_script(script)(keys=[self._key(cart_id)], args=list(args))

    @_redis_errors_unavailable
    def lines(self, cart_id: str) -> list[tuple[str, int]]:
        key = self._key(cart_id)

        def fetch() -> tuple[tuple[str, int], ...]:
            # A tuple of tuples: what is remembered cannot be changed by a caller.
            stored = get_redis_connection("default").hgetall(key)
            return tuple(
                (field.decode(), int(value))
                for field, value in stored.items()
                if field.decode() != REGISTERED_FIELD
            )

        return list(remembered_read(key, fetch))

    @_redis_errors_unavailable
    def add(self, cart_id: str, product_id: str, quantity: int, *, line_limit: int) -> Added | None:
        new, lines = self._run(_ADD, cart_id, product_id, quantity, line_limit, idle_seconds())
        return None if new < 0 else Added(int(new), first_item=lines == 0)

    @_redis_errors_unavailable
    def set(self, cart_id: str, product_id: str, quantity: int) -> None:
        self._run(_SET, cart_id, product_id, quantity, idle_seconds())

    @_redis_errors_unavailable
    def clear(self, cart_id: str) -> None:
        self._run(_CLEAR, cart_id, idle_seconds())

    @_redis_errors_unavailable
    def register(self, cart_id: str) -> None:
        connection = get_redis_connection("default")
        with connection.pipeline(transaction=True) as pipe:
            pipe.hset(self._key(cart_id), REGISTERED_FIELD, 0)
            pipe.expire(self._key(cart_id), idle_seconds())
            pipe.execute()

    @_redis_errors_unavailable
    def is_registered(self, cart_id: str) -> bool:
        connection = get_redis_connection("default")
        return bool(connection.hexists(self._key(cart_id), REGISTERED_FIELD))


# Every write to a cart key is heard (CLIENT TRACKING), so its reads may be remembered.
track_prefix(RedisCartStore.key_prefix)


# --- Database (the embedded default) --------------------------------------------------------


class DatabaseCartStore:
    """Safe across gunicorn workers and threads: every write transaction starts by writing the
    cart's row. On PostgreSQL that row lock serializes the writers of one cart; on SQLite a
    transaction whose first statement writes waits for the database's write lock (with the busy
    timeout) instead of failing the way a read-then-write transaction can."""

    def _cutoff(self):
        return timezone.now() - timedelta(seconds=idle_seconds())

    def _live(self):
        return Cart.objects.filter(touched_at__gte=self._cutoff())

    def _lock(self, cart_id: str) -> None:
        """First statement of every write: forget the cart if it idled out, then create or touch
        its row (the lock)."""
        self._delete(Cart.objects.filter(id=cart_id, touched_at__lt=self._cutoff()))
        Cart.objects.bulk_create(
            [Cart(id=cart_id, touched_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["touched_at"],
        )

    def lines(self, cart_id: str) -> list[tuple[str, int]]:
        rows = CartLine.objects.filter(cart__in=self._live().filter(id=cart_id)).order_by("id")
        return list(rows.values_list("product_id", "quantity"))

    @transaction.atomic
    def add(self, cart_id: str, product_id: str, quantity: int, *, line_limit: int) -> Added | None:
        self._lock(cart_id)
        line = CartLine.objects.filter(cart_id=cart_id, product_id=product_id).first()
        current = line.quantity if line else 0
        if current + quantity > line_limit:
            return None
        if line is None:
            first_item = not CartLine.objects.filter(cart_id=cart_id).exists()
            CartLine.objects.create(cart_id=cart_id, product_id=product_id, quantity=quantity)
        else:
            first_item = False
            line.quantity = current + quantity
            line.save(update_fields=["quantity"])
        return Added(current + quantity, first_item=first_item)

    @transaction.atomic
    def set(self, cart_id: str, product_id: str, quantity: int) -> None:
        self._lock(cart_id)
        if quantity > 0:
            CartLine.objects.update_or_create(
                cart_id=cart_id, product_id=product_id, defaults={"quantity": quantity}
            )
        else:
            CartLine.objects.filter(cart_id=cart_id, product_id=product_id).delete()

    @transaction.atomic
    def clear(self, cart_id: str) -> None:
        self._lock(cart_id)
        CartLine.objects.filter(cart_id=cart_id).delete()

    @transaction.atomic
    def register(self, cart_id: str) -> None:
        self._lock(cart_id)
        Cart.objects.filter(id=cart_id).update(registered=True)

    def is_registered(self, cart_id: str) -> bool:
        return self._live().filter(id=cart_id, registered=True).exists()

    def purge_idle(self) -> int:
        """Deletes carts idle for longer than CART_IDLE_SECONDS; the number deleted."""
        return self._delete(Cart.objects.filter(touched_at__lt=self._cutoff()))

    @staticmethod
    def _delete(carts) -> int:
        """Lines first, then the carts: two single DELETE statements (no cascade collection,
        which would read before writing)."""
        CartLine.objects.filter(cart__in=carts).delete()
        deleted, _ = carts.delete()
        return deleted
