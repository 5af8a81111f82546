"""Small helpers for the few statements run on every order, where what Django's ORM does around
a statement (a transaction for one statement, a QuerySet built and compiled each time) costs
more of the web's CPU than the statement itself (docs/decisions.md, "Checkout: less web CPU per
order (third pass)") — and `sent_together`, which sends a transaction's statements to PostgreSQL
in fewer round trips ("Checkout: a transaction's statements sent together")."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import threading
from collections.abc import Iterator, Sequence

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

# The psycopg pipeline sent_together() opened on this thread's (context's) connection, if any.
_pipeline: contextvars.ContextVar = contextvars.ContextVar("statements_pipeline", default=None)


@contextlib.contextmanager
def sent_together() -> Iterator[None]:
    """Statements run in the block go to PostgreSQL without waiting for each other's answers
    (psycopg's pipeline mode): they are answered together when a result is read (a fetch, or a
    row count through `rows_written`) or the block ends, so a transaction costs a round trip per
    result it reads instead of one per statement. PostgreSQL runs them in order all the same; an
    error is raised where the answers are read (a statement's, a fetch's, or the block's end,
    translated to Django's exceptions as there), and the statements after it are skipped, which
    the transaction's rollback then undoes with it. Only inside a transaction (`atomic`): in
    autocommit the statements up to an answer would make one implicit transaction instead of
    one each. Leave the block before the transaction commits (on_commit callbacks may run
    anything). Reading `cursor.rowcount` yourself inside is wrong: it is -1 until answered. On
    SQLite (a file in this process: no round trips) a plain block."""
    if not connection.in_atomic_block:
        raise RuntimeError("sent_together() belongs inside a transaction (transaction.atomic).")
    if connection.vendor != "postgresql" or _pipeline.get() is not None:
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline() as pipeline:
        token = _pipeline.set(pipeline)
        try:
            yield
        finally:
            _pipeline.reset(token)


def rows_written(cursor) -> int:
    """The number of rows the cursor's last statement wrote, once it is answered: inside
    sent_together() the statements sent so far are answered first (one round trip)."""
    pipeline = _pipeline.get()
    if pipeline is not None and cursor.rowcount == -1:
        with connection.wrap_database_errors:
            pipeline.sync()
    return cursor.rowcount


class Written:
    """A write's row count, read when asked (`count()`): inside sent_together() the statements
    sent until then are answered in the same round trip. Made while the cursor is open: an
    answered statement's count is kept at once (closing a cursor forgets it); a statement not
    answered yet gets it on the closed cursor when the answers come."""

    def __init__(self, cursor):
        self._cursor = cursor
        self._count = None if _pipeline.get() is not None else cursor.rowcount

    def count(self) -> int:
        if self._count is None:
            self._count = rows_written(self._cursor)
        return self._count


def one_statement() -> contextlib.AbstractContextManager:
    """Around a single write: a savepoint inside a caller's transaction (a refused write must not
    spoil it), else nothing: one statement is atomic by itself in autocommit, and a transaction
    of its own adds two round trips (BEGIN, COMMIT) to it."""
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return contextlib.nullcontext()


def row_update(model: type[Model], pk: object, values: dict[str, object], **where: object) -> int:
    """`model.objects.filter(pk=pk, **where).update(**values)` for plain values and conditions
    of equality (or, for None, IS NULL), without building a QuerySet: the same statement
    (UPDATE ... SET ... WHERE pk = ... AND ...), the values adapted by their fields as the ORM
    adapts them, no signals (update() sends none). The number of rows updated (0 or 1)."""
    return row_update_sent(model, pk, values, **where).count()


def row_update_sent(
    model: type[Model], pk: object, values: dict[str, object], **where: object
) -> Written:
    """row_update, its row count read when asked: inside sent_together(), the statements that
    follow go in the same round trip until then."""
    meta = model._meta
    quote = connection.ops.quote_name
    changed = [(meta.get_field(name), value) for name, value in values.items()]
    matched = [(meta.pk, pk), *((meta.get_field(name), value) for name, value in where.items())]
    conditions = [
        f"{quote(field.column)} {'IS NULL' if value is None else '= %s'}"
        for field, value in matched
    ]
    statement = (
        f"UPDATE {quote(meta.db_table)}"  # noqa: S608 - names and placeholders only
        f" SET {', '.join(f'{quote(field.column)} = %s' for field, _ in changed)}"
        f" WHERE {' AND '.join(conditions)}"
    )
    params = [field.get_db_prep_save(value, connection) for field, value in changed]
    params += [
        field.get_db_prep_value(value, connection) for field, value in matched if value is not None
    ]
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        return Written(cursor)


def row_insert(instance: Model) -> None:
    """`instance.save(force_insert=True)` for a new row whose primary key is set before the
    insert (a UUID default): the same INSERT of every column, the values as save() computes and
    adapts them (defaults, auto_now and auto_now_add stamped on the instance), composed once per
    model and process instead of by the ORM on each save. Sends no pre_save or post_save: only
    for models nothing listens to (shop/tests/test_statements.py keeps that true)."""
    statement = _insert_statement(type(instance), connection.vendor)
    fields = type(instance)._meta.concrete_fields
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(statement, values)
    instance._state.adding = False
    instance._state.db = connection.alias


@functools.cache
def _insert_statement(model: type[Model], vendor: str) -> str:
    """Per model and database vendor (its quoting): every concrete column, every value a
    parameter."""
    if model._meta.auto_field is not None:
        raise TypeError(f"{model.__name__}'s primary key is set by the database: use save().")
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608


def rows_insert(instances: Sequence[Model]) -> None:
    """`bulk_create(instances)` for new rows of one model whose primary key the database numbers,
    in one INSERT of every other column, without reading the keys back: for rows nothing looks
    up by key afterwards (an order's lines, kept in memory for its ledger and its answer). Inside
    sent_together() the keys would be a round trip's wait of their own (bulk_create's RETURNING).
    The instances keep `pk` None, marked as stored; no signals, as bulk_create sends none."""
    if not instances:
        return
    model = type(instances[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    statement = _rows_insert_statement(model, len(instances), connection.vendor)
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection)
        for instance in instances
        for field in fields
    ]
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(statement, values)
    for instance in instances:
        instance._state.adding, instance._state.db = False, connection.alias


@functools.lru_cache(maxsize=32)
def _rows_insert_statement(model: type[Model], rows: int, vendor: str) -> str:
    """Per model, number of rows (a checkout's few) and database vendor (its quoting)."""
    if model._meta.auto_field is None:
        raise TypeError(f"{model.__name__}'s primary key is not numbered by the database.")
    quote = connection.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(model._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * rows)}"  # noqa: S608


# Per thread (Django's connections are per thread): alias -> the DB-API cursor kept for
# `statement_run`, on the connection it was made from.
_kept = threading.local()


def statement_run(db: BaseDatabaseWrapper, sql: str, params: Sequence[object]) -> int:
    """`with db.cursor() as cursor: cursor.execute(sql, params)` for a statement on a hot path
    (a `Charge` call's one INSERT), for what Django's cursor and psycopg's set-up cost around it:
    the driver's cursor is made once per connection and kept (psycopg keeps what it learnt of
    the parameters' types in it), not one Django cursor and one psycopg cursor per statement.
    Kept from Django: its health check and connection opening, its refusal inside a broken
    transaction, its error translation (`django.db.IntegrityError` for a taken key, and the
    `errors_occurred` mark that has an unusable connection closed after the call), and
    PostgreSQL's prepared statements as the connection's settings ask. With the query log on
    (DEBUG, tests' CaptureQueriesContext) or an execute wrapper installed, it runs through
    Django's cursor instead, so the statement is logged and wrapped as any other. The number of
    rows the statement changed."""
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return rows_written(cursor)
    cursor = _kept_cursor(db)
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        cursor.execute(sql, params)
    return rows_written(cursor)


def statement_fetch_one(
    db: BaseDatabaseWrapper, sql: str, params: Sequence[object]
) -> tuple | None:
    """`statement_run` for a query: its first row, or None."""
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    cursor = _kept_cursor(db)
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _kept_cursor(db: BaseDatabaseWrapper):
    """What `db.cursor()` does before a statement (health check, connection, thread check), then
    this thread's kept driver cursor, made anew when the connection is a new one."""
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    cursor = getattr(_kept, db.alias, None)
    if cursor is None or cursor.connection is not db.connection:
        with db.wrap_database_errors:
            cursor = db.create_cursor()
        setattr(_kept, db.alias, cursor)
    return cursor
