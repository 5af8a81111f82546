"""Small helpers for the few statements run on every order, where what Django's ORM does around
a statement (a transaction for one statement, a QuerySet built and compiled each time) costs
more of the web's CPU than the statement itself (docs/decisions.md, "Checkout: less web CPU per
order (third pass)")."""

from __future__ import annotations

import contextlib
import functools

from django.db import connection, transaction
from django.db.models import Model


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
        return cursor.rowcount


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
