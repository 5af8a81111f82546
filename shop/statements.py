"""Small helpers for the few statements run on every order, where what Django's ORM does around
a statement (a transaction for one statement, a QuerySet built and compiled each time) costs
more of the web's CPU than the statement itself (docs/decisions.md, "Checkout: less web CPU per
order (third pass)")."""

from __future__ import annotations

import contextlib

from django.db import transaction


def one_statement() -> contextlib.AbstractContextManager:
    """Around a single write: a savepoint inside a caller's transaction (a refused write must not
    spoil it), else nothing: one statement is atomic by itself in autocommit, and a transaction
    of its own adds two round trips (BEGIN, COMMIT) to it."""
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return contextlib.nullcontext()
