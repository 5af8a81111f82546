"""`Charge.insert`: the one INSERT of a new charge records what `save(force_insert=True)` would."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from payments.models import Charge, VoidedKey

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
