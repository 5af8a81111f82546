"""The sales ledger: the dashboard's figures kept per day as orders change (models DailySales,
DailyProductSales, DailyDeclines, DailyCarts with CartCheckout), so /admin/sales/ reads a few
rows a day instead of every order of the period and every line of those orders.

A sale counts on the day its order was created, in the shop's time zone, as the dashboard always
counted it: an order that becomes paid adds to that day, its refund takes it off the same day.
Two calls keep the ledger, each in the transaction of the write it follows: `order_recorded` when
checkout records an order (checkout/claims.py), `status_changed` when an order's status moves
(checkout/transitions.py). Orders written to the table by other means (a bulk import, the staff
benchmark's seed) are counted by `sales_rebuild` (`manage.py sales_rebuild`), which the migration
that created the ledger ran once.

Every count is added by an INSERT ... ON CONFLICT DO UPDATE (PostgreSQL and SQLite alike), so
concurrent checkouts of the same day never overwrite each other's figures. A checkout costs six
statements more: a cart's row and its day's count when recorded; the day's sales, its
products, the cart's paid day and its day's count when paid. Checkout runs them inside
shop.statements.sent_together(), so on PostgreSQL they cost two round trips more, not six: a
count is only read (`Written.count()`) where a decision needs it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from django.apps import apps as installed_apps
from django.db import connection, models, transaction
from django.db.models import Count, F, Max, Q, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from shop.statements import Written, row_update

from .models import CartCheckout, DailyCarts, DailyDeclines, DailyProductSales, DailySales, Order
from .selectors import DECLINED, DECLINED_KINDS, PAID_EVER, SOLD


def order_recorded(order: Order) -> None:
    """Checkout recorded `order` (pending): its cart reached the checkout on its day."""
    _cart_moved(order.user_id, "last_checkout_day", "reached", _day(order))


def status_changed(order: Order, *, was: str) -> None:
    """`order` (its new status, failure kind and charge id set) moved from status `was`."""
    became_sold = (order.status in SOLD) - (was in SOLD)  # +1 a sale, -1 a sale undone
    day = _day(order)
    if became_sold:
        _sale_add(order, day, sign=became_sold)
    if order.status in PAID_EVER and was not in PAID_EVER:
        _cart_moved(order.user_id, "last_paid_day", "converted", day)
    if _declined(order) and order.status != was:
        _upsert(DailyDeclines, keys=["day"], rows=[{"day": day, "attempts": 1}], add=["attempts"])


def _cart_moved(user_id: str, latest: str, counter: str, day) -> None:
    """The cart's `latest` day becomes `day` unless it is later already; DailyCarts' `counter`
    moves from the day it was to `day`. Two statements for a cart's first order and its first
    paid one (most checkouts); otherwise the cart's row is read locked, so concurrent orders of
    one cart move it once each."""
    carts = CartCheckout.objects.filter(pk=user_id)
    if latest == "last_checkout_day":
        first = _cart_insert(user_id, day)
    else:
        first = bool(row_update(CartCheckout, user_id, {"last_paid_day": day}, last_paid_day=None))
    previous = None
    if not first:
        cart = carts.select_for_update().first()
        if cart is not None:
            previous = getattr(cart, latest)
            if previous is not None and previous >= day:
                return
        elif latest != "last_checkout_day" and _cart_insert(user_id, day):
            # An order checkout did not record (written by other means): it reached too.
            _days_add({day: 1}, "reached")
        carts.update(**{latest: day})
    _days_add({day: 1} | ({previous: -1} if previous is not None else {}), counter)


def _cart_insert(user_id: str, day) -> bool:
    """Whether the cart had no row yet (now it has, with `day` as its latest checkout)."""
    row = {"user_id": user_id, "last_checkout_day": day}
    return _upsert(CartCheckout, keys=["user_id"], rows=[row]).count() == 1


def _days_add(moves: dict, counter: str) -> None:
    rows = [
        {"day": day, "reached": 0, "converted": 0} | {counter: moves[day]} for day in sorted(moves)
    ]
    # In one order of keys (the days): two checkouts moving the same rows never wait crosswise.
    _upsert(DailyCarts, keys=["day"], rows=rows, add=["reached", "converted"])


def _declined(order: Order) -> bool:
    return (
        order.status == Order.Status.FAILED
        and not order.charge_id
        and order.failure_kind in DECLINED_KINDS
    )


def _day(order: Order):
    return timezone.localdate(order.created_at)


def _sale_add(order: Order, day, *, sign: int) -> None:
    _upsert(
        DailySales,
        keys=["day", "currency"],
        rows=[{"day": day, "currency": order.currency, "orders": sign,
               "revenue": sign * order.total}],
        add=["orders", "revenue"],
    )  # fmt: skip
    products: dict[str, dict] = {}
    for line in order.lines.all():
        row = products.setdefault(
            line.product_id,
            {"day": day, "product_id": line.product_id, "name": line.product_name,
             "quantity": 0, "orders": sign},
        )  # fmt: skip
        row["quantity"] += sign * line.quantity
    if products:
        _upsert(
            DailyProductSales,
            keys=["day", "product_id"],
            # In one order of keys: two checkouts locking the same rows never wait crosswise.
            rows=[products[product_id] for product_id in sorted(products)],
            add=["quantity", "orders"],
            replace=["name"],
        )


def _upsert(
    model: type[models.Model],
    *,
    keys: Sequence[str],
    rows: list[dict],
    add: Iterable[str] = (),
    replace: Iterable[str] = (),
) -> Written:
    """Inserts `rows` or, for a row whose `keys` exist, adds the `add` fields to the stored ones
    and overwrites `replace`; with neither, leaves it. Its `count()`: the rows written."""
    fields = tuple(rows[0])
    sql = _upsert_statement(
        model, tuple(keys), fields, tuple(add), tuple(replace), len(rows), connection.vendor
    )
    params = [
        model._meta.get_field(f).get_db_prep_save(row[f], connection)
        for row in rows
        for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # Counted only where a caller asks: inside sent_together(), counting waits for answers.
        return Written(cursor)


@functools.lru_cache(maxsize=64)
def _upsert_statement(
    model: type[models.Model],
    keys: tuple[str, ...],
    fields: tuple[str, ...],
    add: tuple[str, ...],
    replace: tuple[str, ...],
    rows: int,
    vendor: str,
) -> str:
    """_upsert's statement, composed once per shape (a checkout's are the same few) and
    database vendor (its quoting)."""
    table = connection.ops.quote_name(model._meta.db_table)

    def column(name: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(name).column)

    updates = [f"{column(f)} = {table}.{column(f)} + EXCLUDED.{column(f)}" for f in add]
    updates += [f"{column(f)} = EXCLUDED.{column(f)}" for f in replace]
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * rows)
    # Only quoted names of the ledger's own tables and columns are spliced in; values are params.
    names, conflict = ", ".join(column(f) for f in fields), ", ".join(column(k) for k in keys)
    sql = f"INSERT INTO {table} ({names}) VALUES {placeholders} ON CONFLICT ({conflict}) "  # noqa: S608
    return sql + (f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING")


# --- recomputing the ledger from the orders ----------------------------------------------------


def sales_rebuild(registry=installed_apps) -> None:
    """Recomputes the whole ledger from the orders, in one transaction and a few INSERT ...
    SELECT statements (seconds at a million orders). `registry`: the migration's historical
    apps, or the installed ones."""

    def model(name: str) -> type[models.Model]:
        return registry.get_model("checkout", name)

    orders = model("Order").objects.order_by().annotate(day=TruncDate("created_at"))
    sold = orders.filter(status__in=SOLD)
    lines = (
        model("OrderLine")
        .objects.order_by()
        .filter(order__status__in=SOLD)
        .annotate(day=TruncDate("order__created_at"))
    )
    day = TruncDate("created_at")
    ledger = {
        "DailySales": sold.values("day", "currency").annotate(
            orders=Count("id"), revenue=Sum("total")
        ),
        "DailyProductSales": lines.values("day", "product_id").annotate(
            name=Max("product_name"), quantity=Sum("quantity"), orders=Count("order", distinct=True)
        ),
        "DailyDeclines": orders.filter(DECLINED).values("day").annotate(attempts=Count("id")),
        "CartCheckout": model("Order")
        .objects.order_by()
        .values("user_id")
        .annotate(
            last_checkout_day=Max(day), last_paid_day=Max(day, filter=Q(status__in=PAID_EVER))
        ),
    }
    with transaction.atomic(using=connection.alias):
        for name, query in ledger.items():
            _replace_with(model(name), query)
        carts = model("CartCheckout").objects.order_by()
        _replace_with(
            model("DailyCarts"),
            carts.values(day=F("last_checkout_day")).annotate(
                reached=Count("user_id"), converted=Value(0)
            ),
        )
        converted = carts.filter(last_paid_day__isnull=False).values_list("last_paid_day")
        rows = [
            {"day": day, "reached": 0, "converted": count}
            for day, count in converted.annotate(count=Count("user_id")).order_by("last_paid_day")
        ]
        if rows:
            _upsert(model("DailyCarts"), keys=["day"], rows=rows, add=["converted"])


def _replace_with(model: type[models.Model], query: models.QuerySet) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    grouped = list(query._fields)
    names = grouped + [name for name in query.query.annotation_select if name not in grouped]
    # values_list() puts the SELECT's columns in the order of `names`: the statement names the
    # ledger's columns in that same order.
    select, params = query.values_list(*names).query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
