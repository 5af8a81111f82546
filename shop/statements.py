"""Small helpers for the few statements run on every order, where what Django's ORM does around
a statement (a transaction for one statement, a QuerySet built and compiled each time) costs
more of the web's CPU than the statement itself (docs/decisions.md, "Checkout: less web CPU per
order (third pass)")."""

from __future__ import annotations

import contextlib

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
    """`model.objects.filter(pk=pk, **where).update(**values)` for plain values and equality
    conditions, without building a QuerySet: the same statement (UPDATE ... SET ... WHERE pk
    = ... AND ...), the values adapted by their fields as the ORM adapts them, no signals (as
    update() sends none). Returns the number of rows updated (0 or 1)."""
    meta = model._meta
    quote = connection.ops.quote_name
    changed = [(meta.get_field(name), value) for name, value in values.items()]
    matched = [(meta.pk, pk), *((meta.get_field(name), value) for name, value in where.items())]
    statement = (
        f"UPDATE {quote(meta.db_table)}"  # noqa: S608 - names and placeholders only
        f" SET {', '.join(f'{quote(field.column)} = %s' for field, _ in changed)}"
        f" WHERE {' AND '.join(f'{quote(field.column)} = %s' for field, _ in matched)}"
    )
    params = [field.get_db_prep_save(value, connection) for field, value in changed]
    params += [field.get_db_prep_value(value, connection) for field, value in matched]
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount
