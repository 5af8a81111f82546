"""shop/statements.py: a write without a transaction of its own, and an INSERT and an UPDATE by
primary key that store what save() and QuerySet.update() store (SQLite here, PostgreSQL with the
postgres marker)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkout.models import Order, OrderLine
from checkout.tests.orders import make_order
from shipping.models import Shipment
from shop.statements import (
    one_statement,
    row_insert,
    row_update,
    row_update_sent,
    rows_insert,
    rows_written,
    sent_together,
)
from testing.round_trips import round_trips


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
    # A str id too; None as the condition is IS NULL.
    assert row_update(Order, str(order.pk), {"cart_emptied_at": when}, cart_emptied_at=None) == 1
    assert row_update(Order, order.pk, {"cart_emptied_at": None}, cart_emptied_at=None) == 0
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


def _row_insert_matches_create():
    columns = dict(
        user_id="cart-9", email="ada@example.com", street_address="1 Main St", city="Springfield",
        country="United States", zip_code="62701", currency="EUR", shipping_cost=Decimal("7.95"),
        total=Decimal("60.99"), idempotency_key="k" * 64, request_fingerprint="f" * 64,
    )  # fmt: skip
    inserted = Order(**columns)
    row_insert(inserted)
    created = Order.objects.create(**(columns | {"user_id": "cart-10", "idempotency_key": "k2"}))
    assert not inserted._state.adding and inserted.created_at and inserted.updated_at
    stored, twin = Order.objects.get(pk=inserted.pk), Order.objects.get(pk=created.pk)
    different = {"id", "user_id", "idempotency_key", "access_token", "created_at", "updated_at"}
    assert {k: v for k, v in model_to_dict(stored).items() if k not in different} == {
        k: v for k, v in model_to_dict(twin).items() if k not in different
    }
    assert (stored.access_token, stored.created_at) == (inserted.access_token, inserted.created_at)


@pytest.mark.django_db
def test_row_insert_stores_what_create_stores():
    _row_insert_matches_create()


@pytest.mark.postgres
@pytest.mark.django_db
def test_row_insert_stores_what_create_stores_on_postgresql():
    _row_insert_matches_create()


def test_row_insert_is_for_models_nothing_listens_to_and_keys_set_before_the_insert():
    # It sends no signals: were a receiver added for orders' saves, it would not hear checkout's.
    assert not pre_save.has_listeners(Order) and not post_save.has_listeners(Order)
    with pytest.raises(TypeError, match="set by the database"):
        row_insert(Shipment())


def _three_updates_counted(paid: Order, pending: Order) -> list[int]:
    with transaction.atomic(), sent_together():
        sent = [
            row_update_sent(Order, pending.pk, {"status": "paid"}, status="pending"),
            row_update_sent(Order, paid.pk, {"status": "failed"}, status="pending"),
            row_update_sent(Order, paid.pk, {"failure_kind": "x"}, status="paid"),
        ]
        return [written.count() for written in sent]


@pytest.mark.postgres
@pytest.mark.django_db
def test_sent_together_answers_its_statements_in_one_round_trip_when_one_is_counted():
    _three_updates_counted(make_order("paid"), make_order("pending"))  # statements prepared
    paid, pending = make_order("paid"), make_order("pending")
    with round_trips(connection) as trips:
        counts = _three_updates_counted(paid, pending)
    assert counts == [1, 0, 1]
    # The savepoint (the test's transaction holds the atomic block), the three UPDATEs answered
    # together, the pipeline's closing sync, the release; one at a time, the UPDATEs would take
    # three round trips.
    assert trips.count == 4


@pytest.mark.postgres
@pytest.mark.django_db
def test_sent_together_raises_an_error_as_django_s_where_its_answer_is_read():
    order = make_order("pending")
    twin = Order(**{**model_to_dict(order, exclude=["id"]), "id": order.pk})
    with pytest.raises(IntegrityError), transaction.atomic(), sent_together():
        row_update_sent(Order, order.pk, {"status": "paid"})
        row_insert(twin)  # the same primary key: refused, answered with the next count
        row_update(Order, order.pk, {"status": "failed"})
    order.refresh_from_db()
    assert order.status == "pending"  # the transaction rolled back, the first UPDATE with it


@pytest.mark.django_db
def test_sent_together_is_a_plain_block_on_sqlite():
    assert _three_updates_counted(make_order("paid"), make_order("pending")) == [1, 0, 1]


@pytest.mark.django_db(transaction=True)
def test_sent_together_belongs_inside_a_transaction():
    # In autocommit, statements sent together would make one implicit transaction.
    with pytest.raises(RuntimeError, match="inside a transaction"), sent_together():
        pass  # pragma: no cover


@pytest.mark.postgres
@pytest.mark.django_db
def test_rows_written_outside_sent_together_is_the_cursor_s_count():
    order = make_order("pending")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE checkout_order SET status = 'paid' WHERE id = %s", [order.pk])
        assert rows_written(cursor) == 1


def _rows_insert_matches_bulk_create():
    order = make_order("pending")
    OrderLine.objects.filter(order=order).delete()
    columns = dict(product_id="OLJCESPC7Z", product_name="Sunglasses", quantity=2,
                   unit_price=Decimal("19.990"))  # fmt: skip
    lines = [OrderLine(order=order, **columns), OrderLine(order=order, **columns | {"quantity": 1})]
    twins = [OrderLine(order=order, **columns), OrderLine(order=order, **columns | {"quantity": 1})]
    with CaptureQueriesContext(connection) as queries:
        rows_insert(lines)
    assert len(queries) == 1 and "RETURNING" not in queries[0]["sql"]
    assert [line.pk for line in lines] == [None, None] and not lines[0]._state.adding
    OrderLine.objects.bulk_create(twins)
    stored = [model_to_dict(line, exclude=["id"]) for line in order.lines.order_by("id")]
    assert stored[:2] == stored[2:] == [model_to_dict(line, exclude=["id"]) for line in twins]


@pytest.mark.django_db
def test_rows_insert_stores_what_bulk_create_stores_without_reading_keys_back():
    _rows_insert_matches_bulk_create()


@pytest.mark.postgres
@pytest.mark.django_db
def test_rows_insert_stores_what_bulk_create_stores_on_postgresql():
    _rows_insert_matches_bulk_create()
