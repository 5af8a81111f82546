"""`Charge.insert` and `ChargeRow.insert`: the one INSERT of a new charge records what
`save(force_insert=True)` would, through shop.statements.statement_run's kept cursor."""

import time
import uuid
from decimal import Decimal

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from payments.models import Charge, ChargeRow, VoidedKey
from shop import statements

pytestmark = pytest.mark.django_db


@pytest.fixture(
    autouse=True, params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database(request):
    """Each test in both passes of `make test`: the embedded SQLite and PostgreSQL."""
    return request.param


def _new_charge(**fields) -> Charge:
    values = {
        "amount": Decimal("19.990000001"), "currency": "EUR", "brand": "visa", "last4": "1111",
        "status": Charge.Status.CAPTURED, "gateway": "simulated", "gateway_reference": "sim_1",
        "idempotency_key": "order-1", **fields,
    }  # fmt: skip
    return Charge(**values)


_FIELDS = Charge._meta.concrete_fields


def _stored(charge: Charge) -> dict:
    row = Charge.objects.get(pk=charge.pk)
    return {field.attname: getattr(row, field.attname) for field in Charge._meta.concrete_fields}


def test_insert_stores_every_field_as_save_does_in_one_statement():
    inserted, saved = _new_charge(), _new_charge(idempotency_key="order-2")
    with CaptureQueriesContext(connection) as queries:
        inserted.insert()
    saved.save(force_insert=True)
    assert len(queries) == 1
    assert inserted.created is not None and inserted.updated is not None
    assert not inserted._state.adding
    mine, theirs = _stored(inserted), _stored(saved)
    assert mine["created"] == inserted.created and mine["amount"] == Decimal("19.990000001")
    different = {"id", "idempotency_key", "created", "updated"}
    assert {k: v for k, v in mine.items() if k not in different} == {
        k: v for k, v in theirs.items() if k not in different
    }


def test_insert_of_a_taken_idempotency_key_is_an_integrity_error():
    _new_charge().insert()
    with pytest.raises(IntegrityError), transaction.atomic():
        _new_charge().insert()
    assert Charge.objects.count() == 1


@pytest.mark.postgres
def test_on_postgresql_the_insert_is_prepared_once_per_connection_and_survives_an_error(
    database,
):
    if database != "postgres":
        pytest.skip("a PostgreSQL statement")

    def prepared_inserts() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if row[0].startswith("INSERT")]

    _new_charge().insert()
    with pytest.raises(IntegrityError), transaction.atomic():
        _new_charge().insert()  # the taken key: the prepared statement fails, and stays usable
    with CaptureQueriesContext(connection) as queries:
        _new_charge(idempotency_key="order-2").insert()
    _new_charge(idempotency_key=None).insert()
    assert Charge.objects.count() == 3
    # Django's query log still shows the statement (psycopg keeps no text for a prepared one).
    (logged,) = queries.captured_queries
    assert logged["sql"].startswith('INSERT INTO "payments_charge"')
    (statement,) = prepared_inserts()
    assert '"payments_charge"' in statement


def test_the_voided_key_check_is_one_prepared_select_answering_as_the_orm(database):
    VoidedKey.objects.create(key="order-voided")
    with CaptureQueriesContext(connection) as queries:
        answers = [VoidedKey.holds(key) for key in ("order-voided", "order-1", "order-voided")]
    assert answers == [True, False, True]
    assert answers == [
        VoidedKey.objects.filter(key=key).exists()
        for key in ("order-voided", "order-1", "order-voided")
    ]
    assert len(queries) == 3 and all(q["sql"].startswith("SELECT 1 FROM") for q in queries)
    if database == "postgres":  # PostgreSQL parses and plans it once per connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
        assert 'SELECT 1 FROM "payments_voidedkey" WHERE "key" = $1 LIMIT 1' in prepared


def _row(**fields) -> ChargeRow:
    """A settled charge's row, as the shop's own processor's charge writes it."""
    now = timezone.now()
    values = {
        "id": uuid.uuid4(), "amount": Decimal("19.990000001"), "currency": "EUR",
        "brand": "visa", "last4": "1111", "status": Charge.Status.CAPTURED, "decline_reason": "",
        "gateway": "simulated", "gateway_reference": "sim_1", "idempotency_key": "order-1",
        "created": now, "updated": now, **fields,
    }  # fmt: skip
    return ChargeRow(**values)


def test_a_charge_row_holds_the_models_columns_in_their_order():
    assert ChargeRow._fields == tuple(field.attname for field in Charge._meta.concrete_fields)


def test_a_row_insert_stores_what_save_stores_and_as_charge_is_the_stored_charge():
    row = _row()
    saved = Charge(**row._replace(id=uuid.uuid4(), idempotency_key="order-2")._asdict())
    row.insert()
    saved.save(force_insert=True)
    mine, theirs = _stored(row.as_charge()), _stored(saved)
    assert mine == row._asdict()
    # save() stamps its own times (auto_now_add, auto_now); the row brings its write's time.
    different = {"id", "idempotency_key", "created", "updated"}
    assert {k: v for k, v in mine.items() if k not in different} == {
        k: v for k, v in theirs.items() if k not in different
    }
    charge = row.as_charge()
    assert not charge._state.adding and charge._state.db == "default"
    assert _stored(charge) == {f.attname: getattr(charge, f.attname) for f in _FIELDS}


def test_a_row_with_a_taken_key_is_djangos_integrity_error_and_the_connection_stays_usable():
    _row().insert()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(id=uuid.uuid4()).insert()
    assert not connection.errors_occurred
    _row(id=uuid.uuid4(), idempotency_key=None).insert()
    _row(id=uuid.uuid4(), idempotency_key=None).insert()
    assert Charge.objects.count() == 3


@pytest.mark.postgres
def test_on_postgresql_djangos_preparation_of_a_rows_values_changes_none_of_them(database):
    """What lets a row go to PostgreSQL without each field's get_db_prep_save: a Django whose
    preparation changes one of these values fails here."""
    if database != "postgres":
        pytest.skip("a PostgreSQL statement")
    for row in (_row(), _row(idempotency_key=None, status=Charge.Status.DECLINED)):
        prepared = [
            f.get_db_prep_save(value, connection) for f, value in zip(_FIELDS, row, strict=True)
        ]
        assert [(type(v), v) for v in prepared] == [(type(v), v) for v in row]


@pytest.mark.postgres
def test_on_postgresql_a_row_insert_is_one_prepared_statement_on_one_kept_cursor(database):
    if database != "postgres":
        pytest.skip("a PostgreSQL statement")
    for number in range(4):
        _row(id=uuid.uuid4(), idempotency_key=f"order-{number}").insert()
    kept = statements._kept.default
    _row(id=uuid.uuid4(), idempotency_key=None).insert()
    assert statements._kept.default is kept and kept.connection is connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        inserts = [row[0] for row in cursor.fetchall() if row[0].startswith("INSERT")]
    # One for a key, one for none (psycopg prepares per parameter types): each planned once.
    assert len(inserts) <= 2 and all('"payments_charge"' in s for s in inserts)
    assert Charge.objects.count() == 5


def test_a_row_insert_is_logged_and_wrapped_as_any_statement():
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as queries:
        _row().insert()
    with connection.execute_wrapper(wrapper):
        _row(id=uuid.uuid4(), idempotency_key="order-2").insert()
    (logged,) = queries.captured_queries
    assert logged["sql"].startswith('INSERT INTO "payments_charge"')
    assert len(seen) == 1 and seen[0].startswith('INSERT INTO "payments_charge"')


@pytest.mark.django_db(transaction=True)
def test_a_row_insert_opens_a_new_connection_after_a_close_or_an_obsolete_one(database):
    _row().insert()
    connection.close()
    _row(id=uuid.uuid4(), idempotency_key="order-2").insert()
    connection.close_at = time.monotonic() - 1  # CONN_MAX_AGE passed
    connection.close_if_unusable_or_obsolete()
    # (Django keeps the test run's in-memory SQLite database open.)
    assert connection.connection is None or database == "sqlite"
    _row(id=uuid.uuid4(), idempotency_key="order-3").insert()
    assert statements._kept.default.connection is connection.connection
    assert Charge.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_connection_the_server_dropped_is_probed_or_failed_as_django_does(
    database,
):
    """Django's health check before the statement replaces a dropped connection; when this
    call skipped the probe (shop/rpc/connection_hygiene.py), the statement fails with Django's
    OperationalError and marks the connection for closing after the call."""
    if database != "postgres":
        pytest.skip("a PostgreSQL statement")

    def drop_the_connection() -> None:
        pid = connection.connection.info.backend_pid
        with psycopg.connect(**_plain_params(), autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])

    _row().insert()
    drop_the_connection()
    connection.health_check_done = False  # a new request: Django probes, reconnects
    _row(id=uuid.uuid4(), idempotency_key="order-2").insert()
    drop_the_connection()
    connection.health_check_done = True  # the probe skipped
    with pytest.raises(OperationalError):
        _row(id=uuid.uuid4(), idempotency_key="order-3").insert()
    assert connection.errors_occurred
    connection.close_if_unusable_or_obsolete()
    _row(id=uuid.uuid4(), idempotency_key="order-3").insert()
    assert Charge.objects.count() == 3


def _plain_params() -> dict:
    params = connection.get_connection_params()
    return {k: v for k, v in params.items() if k not in {"cursor_factory", "context"}}


def test_the_voided_key_check_answers_the_same_on_the_kept_cursor():
    VoidedKey.objects.create(key="order-voided")
    assert [VoidedKey.holds(key) for key in ("order-voided", "order-1", "order-voided")] == [
        True,
        False,
        True,
    ]
    assert statements._kept.default.connection is connection.connection
