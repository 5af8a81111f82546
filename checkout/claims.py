"""Claiming a checkout: the one short transaction in which a submission either finds the order
that already answers for it, or is refused because another checkout of the same cart came first,
or records its own pending order (services.order_place then charges it).

Two lock rows in `CheckoutLock`: the submission's key and its cart (the cart owner's user id),
taken together in one statement (an upsert, which locks the rows it inserts or updates). The
key's lock keeps identical submissions to one order; the cart's lock keeps every submission of
one cart, whatever it differs in (e-mail, address, card, Idempotency-Key, storefront, REST or
gRPC), to at most one order that charges. The partial unique constraints
`one_pending_order_per_key` and `one_pending_order_per_cart` hold the same in the database,
should a database without row locks (SQLite) let two claims through.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from shop import dto
from shop.pricing import PricedCart
from shop.statements import row_insert, rows_insert, sent_together

from . import sales
from .errors import CartAlreadyOrdered, CartCheckoutInProgress
from .models import CheckoutLock, Order, OrderLine
from .selectors import SOLD

# What a client that lost the race for its cart is told to wait before asking again: about the
# time a checkout takes (charge and shipment).
RETRY_AFTER_SECONDS = 2


def keyed_orders(key: str, *, derived: bool):
    orders = Order.objects.filter(idempotency_key=key)
    return orders.filter(cart_emptied_at__isnull=True) if derived else orders


def latest_order(orders, window: timedelta | None) -> Order | None:
    """The newest order that still answers for its key: failed attempts do not (the customer
    may try again once the cause is fixed); derived keys only within their window."""
    orders = orders.exclude(status=Order.Status.FAILED)
    if window is not None:
        orders = orders.filter(created_at__gte=timezone.now() - window)
    return orders.order_by("-created_at").first()


def stale_checkouts(*, user_id: str, older_than: timedelta) -> list[str]:
    """Ids of the cart's orders pending for longer than any live checkout runs: their process
    died, and until they are recovered they hold the cart."""
    cutoff = timezone.now() - older_than
    stale = Order.objects.filter(
        user_id=user_id, status=Order.Status.PENDING, updated_at__lt=cutoff
    )
    return [str(order_id) for order_id in stale.values_list("pk", flat=True)]


class CheckoutStale(CartCheckoutInProgress):
    """The cart is held by a checkout pending for longer than any live one runs: its process
    died. The caller recovers `order_id` and claims again; unrecovered, this is "in progress"."""


@transaction.atomic
@sent_together()  # five round trips instead of eight: see _order_create
def order_claim(
    *,
    key: str,
    derived: bool,
    window: timedelta | None,
    replay_window: timedelta,
    stale_after: timedelta,
    cart_read_at: datetime,
    fingerprint: str,
    user_id: str,
    email: str,
    address: dto.Address,
    priced: PricedCart,
) -> tuple[Order, bool]:
    """The order that already answers for the key, or a new pending one: (order, created).
    Raises CartCheckoutInProgress or CartAlreadyOrdered when another checkout of the cart came
    first, CheckoutStale when a dead one holds the cart (see _cart_buyer)."""
    _lock(key, _cart_lock_key(user_id))
    bought = _cart_buyer(
        user_id=user_id,
        key=key,
        derived=derived,
        window=window,
        cart_read_at=cart_read_at,
        replay_window=replay_window,
        stale_after=stale_after,
    )
    if bought is not None and bought.claim_rank == _KEYED:
        return bought, False
    if bought is not None:
        if derived and bought.request_fingerprint == fingerprint:
            return bought, False  # this very submission, which emptied the cart meanwhile
        raise CartAlreadyOrdered(
            f"This cart's items were ordered moments ago by another submission: order "
            f"{bought.pk}. Nothing more was charged.",
            order_id=str(bought.pk),
        )
    # No savepoint around the insert (two round trips): a refused insert ends the claim, and
    # the error leaving order_claim's transaction rolls all of it back.
    try:
        return _order_create(
            key=key,
            fingerprint=fingerprint,
            user_id=user_id,
            email=email,
            address=address,
            priced=priced,
        ), True
    except IntegrityError as exc:
        # Only without row locks: the constraints stopped a second pending order of the cart.
        raise CartCheckoutInProgress(retry_after=RETRY_AFTER_SECONDS) from exc


def _lock(*keys: str) -> None:
    """Locks the keys' rows (created when missing) in one INSERT ... ON CONFLICT DO UPDATE, which
    locks each row it inserts or updates, in the order of their keys, so two claims that share a
    row never wait for each other crosswise. The update only stamps the row's last claim.

    Written in SQL (PostgreSQL's and SQLite's alike): the statement bulk_create(update_conflicts=
    True) built, which took 0.2 to 0.4 ms more of the web's CPU per checkout to compose."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table, key, stamp = map(
        connection.ops.quote_name, (CheckoutLock._meta.db_table, "key", "created_at")
    )
    rows = ", ".join(["(%s, %s)"] * len(keys))
    statement = (
        f"INSERT INTO {table} ({key}, {stamp}) VALUES {rows}"  # noqa: S608 - names, placeholders
        f" ON CONFLICT ({key}) DO UPDATE SET {stamp} = EXCLUDED.{stamp}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [value for lock in sorted(keys) for value in (lock, now)])


def _cart_lock_key(user_id: str) -> str:
    # Lock keys are sha256 hex digests; this one cannot equal a submission's key, whose digest
    # covers other text.
    return hashlib.sha256(f"cart\n{user_id}".encode()).hexdigest()


# How _cart_buyer ranks what it finds: a dead checkout holding the cart first (it must be
# recovered before anything else is decided), then the key's own order, then one in flight.
_STALE, _KEYED, _IN_FLIGHT, _BUYER = 0, 1, 2, 3


def _cart_buyer(
    *,
    user_id: str,
    key: str,
    derived: bool,
    window: timedelta | None,
    cart_read_at: datetime,
    replay_window: timedelta,
    stale_after: timedelta,
) -> Order | None:
    """Under the locks, in one query: the key's own order (rank _KEYED) if any; else the order
    that already bought what this submission read, if any: paid and not yet emptied the cart (or
    its emptying failed), or emptied it after this submission read it. CartCheckoutInProgress
    when an order of this cart is in flight, CheckoutStale when it has been pending for longer
    than `stale_after`. The order found is then read whole (a replay's second query; a new
    checkout finds none).

    Written in SQL (PostgreSQL's and SQLite's alike): built with the ORM's Q, Case and When, the
    statement took about 2 ms of CPU to compose on every checkout, a tenth of the request."""
    now = timezone.now()
    when = connection.ops.adapt_datetimefield_value
    orders = connection.ops.quote_name(Order._meta.db_table)
    pending = Sql("o.status = %s AND o.user_id = %s", Order.Status.PENDING, user_id)
    # The orders that answer for the key: latest_order(keyed_orders(...)) as one condition.
    keyed = Sql("o.idempotency_key = %s AND o.status <> %s", key, Order.Status.FAILED)
    if derived:
        keyed += Sql(" AND o.cart_emptied_at IS NULL")
    if window is not None:
        keyed += Sql(" AND o.created_at >= %s", when(now - window))
    bought = Sql(
        f"o.user_id = %s AND o.status IN ({', '.join(['%s'] * len(SOLD))}) AND o.created_at >= %s"
        " AND (o.cart_emptied_at IS NULL OR o.cart_emptied_at >= %s)",
        user_id, *SOLD, when(now - replay_window), when(cart_read_at),
    )  # fmt: skip
    statement = (
        Sql("SELECT o.id, CASE WHEN ") + pending
        + Sql(" AND o.updated_at < %s THEN %s WHEN ", when(now - stale_after), _STALE) + keyed
        + Sql(" THEN %s WHEN ", _KEYED) + pending
        + Sql(f" THEN %s ELSE %s END AS claim_rank FROM {orders} o WHERE (", _IN_FLIGHT,
              _BUYER) + keyed
        + Sql(") OR (") + pending + Sql(") OR (") + bought
        + Sql(") ORDER BY claim_rank, o.created_at DESC LIMIT 1")
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(statement.text, statement.params)
        # In the claim's sent_together(): answered with the lock, in one round trip. Only the
        # id and rank: in the common case nothing is found (and a raw query's rows could not be
        # built before its answer, which a pipeline's execute does not wait for).
        found = cursor.fetchone()
    if found is None:
        return None
    order_id, rank = Order._meta.pk.to_python(found[0]), found[1]
    if rank == _STALE:
        raise CheckoutStale(order_id=str(order_id), retry_after=RETRY_AFTER_SECONDS)
    if rank == _IN_FLIGHT:
        raise CartCheckoutInProgress(order_id=str(order_id), retry_after=RETRY_AFTER_SECONDS)
    order = Order.objects.get(pk=order_id)  # under the locks: as the query found it
    order.claim_rank = rank
    return order


class Sql:
    """A piece of a statement and its parameters, in order; `+` joins two pieces."""

    def __init__(self, text: str, *params: object):
        self.text, self.params = text, list(params)

    def __add__(self, other: Sql) -> Sql:
        return Sql(self.text + other.text, *self.params, *other.params)


def _order_create(
    *,
    key: str,
    fingerprint: str,
    user_id: str,
    email: str,
    address: dto.Address,
    priced: PricedCart,
) -> Order:
    # Inserted as create() would, without composing the INSERT on every checkout (shop.statements).
    order = Order(
        user_id=user_id,
        email=email.strip(),
        street_address=address.street_address,
        city=address.city,
        state=address.state,
        country=address.country,
        zip_code=address.zip_code,
        currency=priced.total.currency,
        shipping_cost=priced.shipping.amount,
        total=priced.total.amount,
        idempotency_key=key,
        request_fingerprint=fingerprint,
    )
    row_insert(order)
    # In the claim's sent_together(): the cart's row (its count decides the ledger's next
    # statement) is answered with the order; its day's count and the lines (their ids not read
    # back) when the block ends. With BEGIN, the locks with the query that needs them, and
    # COMMIT: five round trips.
    sales.order_recorded(order)
    lines = [
        OrderLine(
            order=order,
            product_id=line.product_id,
            product_name=line.product.name,
            quantity=line.quantity,
            unit_price=line.unit_price.amount,
        )
        for line in priced.lines
    ]
    rows_insert(lines)
    _lines_known(order, lines)
    return order


def _lines_known(order: Order, lines: list[OrderLine]) -> None:
    """Keeps the lines just written on the order as prefetch_related("lines") would (Django's
    prefetch_one_level), so marking it paid (the sales ledger) and the answer never read them
    back. In insertion order, which is the lines' ordering (by id). Their ids are not known
    (rows_insert): nothing uses them."""
    known = order.lines.all()
    known._result_cache, known._prefetch_done = list(lines), True
    order._prefetched_objects_cache = {"lines": known}
