"""shop/statements.py: a write without a transaction of its own, and an UPDATE by primary key
that matches QuerySet.update() (SQLite here, PostgreSQL with the postgres marker)."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkout.models import Order
from checkout.tests.orders import make_order
from shop.statements import one_statement, row_update


def _row_update_matches_the_orm():
    order, twin = make_order("pending"), make_order("pending")
    when = timezone.now() - timedelta(days=1, microseconds=7)
    assert (
        row_update(Order, order.pk, {"status": "paid", "updated_at": when}, status="pending") == 1
    )
    Order.objects.filter(pk=twin.pk, status="pending").update(status="paid", updated_at=when)
    order.refresh_from_db()
    twin.refresh_from_db()
    assert (order.status, order.updated_at) == (twin.status, twin.updated_at) == ("paid", when)
    # The condition no longer holds: nothing updated, 0 answered, as update() answers.
    assert row_update(Order, order.pk, {"status": "failed"}, status="pending") == 0
    assert row_update(Order, str(order.pk), {"cart_emptied_at": when}) == 1  # a str id too
    order.refresh_from_db()
    assert order.status == "paid" and order.cart_emptied_at == when


@pytest.mark.django_db
def test_row_update_writes_what_queryset_update_writes():
    _row_update_matches_the_orm()


@pytest.mark.postgres
@pytest.mark.django_db
def test_row_update_writes_what_queryset_update_writes_on_postgresql():
    _row_update_matches_the_orm()


@pytest.mark.django_db(transaction=True)
def test_one_statement_adds_no_transaction_in_autocommit_and_a_savepoint_inside_one():
    with CaptureQueriesContext(connection) as alone, one_statement():
        Order.objects.filter(pk=None).update(status="paid")
    assert [q["sql"].split()[0] for q in alone] == ["UPDATE"]
    with transaction.atomic(), CaptureQueriesContext(connection) as inside, one_statement():
        Order.objects.filter(pk=None).update(status="paid")
    assert [q["sql"].split()[0] for q in inside] == ["SAVEPOINT", "UPDATE", "RELEASE"]
