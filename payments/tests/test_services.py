import io
import json
import logging
import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from payments import services
from payments.cards import CardExpired
from payments.client import payment_client
from payments.models import Charge
from payments.services import (
    CardDeclined,
    ChargeAmountInvalid,
    ChargeNotFound,
    ChargeStateInvalid,
    IdempotencyKeyReused,
    charge_create,
    charge_refund,
    charge_void,
)
from payments.tests.conftest import CVV, VISA, card
from shop.errors import ServiceUnavailable
from shop.money import Money

pytestmark = pytest.mark.django_db

USD_20 = Money(Decimal("19.99"), "USD")


def test_a_charge_is_stored_with_brand_last4_and_its_id_is_the_transaction_id():
    transaction_id = services.payment_charge(amount=USD_20, card=card(), idempotency_key="k1")
    charge = Charge.objects.get()
    assert str(charge.id) == transaction_id and uuid.UUID(transaction_id)
    assert (charge.status, charge.brand, charge.last4) == ("captured", "visa", "1111")
    assert charge.money == USD_20 and charge.idempotency_key == "k1"
    assert charge.gateway == "simulated" and charge.gateway_reference


def test_neither_the_database_nor_the_logs_ever_hold_the_number_or_the_cvv(caplog):
    caplog.set_level(logging.DEBUG)
    services.payment_charge(amount=USD_20, card=card("4111 1111 1111 1111"), idempotency_key="a")
    with pytest.raises(CardDeclined):
        charge_create(amount=USD_20, card=card("4000000000000002"))
    with pytest.raises(CardExpired):
        charge_create(amount=USD_20, card=card(year=2001))
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert json.loads(dump.getvalue())  # the dump holds the charges
    for text in (dump.getvalue(), caplog.text):
        for secret in (VISA, "4111 1111 1111 1111", "4000000000000002"):
            assert secret not in text
        assert not re.search(rf"\b{CVV}\b", text)
    assert "ending 1111" in caplog.text  # what the logs do say


def test_the_same_key_returns_the_first_charge_and_never_charges_twice(counting_gateway):
    gateway = counting_gateway()
    first = charge_create(amount=USD_20, card=card(), idempotency_key="order-1")
    again = charge_create(amount=USD_20, card=card(), idempotency_key="order-1")
    assert first.created and not again.created
    assert again.charge.id == first.charge.id
    assert Charge.objects.count() == 1 and gateway.charges == 1


@pytest.mark.parametrize(
    "amount,number",
    [(Money(Decimal("20.00"), "USD"), VISA), (Money(Decimal("19.99"), "EUR"), VISA),
     (USD_20, "5555555555554444")],
)  # fmt: skip
def test_the_same_key_for_another_payment_is_a_conflict(amount, number):
    charge_create(amount=USD_20, card=card(), idempotency_key="order-1")
    with pytest.raises(IdempotencyKeyReused, match="different payment"):
        charge_create(amount=amount, card=card(number), idempotency_key="order-1")
    assert Charge.objects.count() == 1


def test_a_declined_charge_is_stored_for_staff_and_replays_as_declined(counting_gateway):
    gateway = counting_gateway()
    declined = card("4000000000000002")
    with pytest.raises(CardDeclined, match="declined by the bank"):
        charge_create(amount=USD_20, card=declined, idempotency_key="d")
    with pytest.raises(CardDeclined, match="declined by the bank"):
        charge_create(amount=USD_20, card=declined, idempotency_key="d")
    charge = Charge.objects.get()
    assert charge.status == "declined" and charge.decline_reason
    assert gateway.charges == 1


def test_a_keyed_charge_costs_two_statements_its_insert_and_the_voided_key_check():
    # The key is not looked up first: the row's unique key stops a replay at the insert.
    with CaptureQueriesContext(connection) as queries:
        charge_create(amount=USD_20, card=card(), idempotency_key="order-1")
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 2 and statements[0].startswith("INSERT")


def test_a_replay_after_the_card_expired_still_answers_with_the_first_charge():
    first = charge_create(
        amount=USD_20, card=card(month=12, year=2026), idempotency_key="k", today=date(2026, 1, 1)
    )
    again = charge_create(
        amount=USD_20, card=card(month=12, year=2026), idempotency_key="k", today=date(2027, 1, 1)
    )
    assert again.charge.id == first.charge.id and not again.created
    with pytest.raises(CardExpired):  # no earlier charge under this key: the card is refused
        charge_create(amount=USD_20, card=card(month=12, year=2026), today=date(2027, 1, 1))


def test_a_card_expires_by_the_shops_calendar_whatever_time_zone_is_active(monkeypatch):
    from datetime import UTC, datetime

    from django.utils import timezone

    # 31 January at noon in the shop's zone (UTC), already 1 February in Kiritimati (UTC+14).
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 1, 31, 12, tzinfo=UTC))
    with timezone.override("Pacific/Kiritimati"):
        outcome = charge_create(amount=USD_20, card=card(month=1, year=2030))
    assert outcome.created


def test_a_refused_card_never_reaches_the_processor_and_stores_nothing(counting_gateway):
    gateway = counting_gateway()
    with pytest.raises(CardExpired):
        charge_create(amount=USD_20, card=card(month=1, year=2020), idempotency_key="e")
    assert gateway.charges == 0 and not Charge.objects.exists()


def test_an_unanswered_processor_lets_go_of_the_key_so_a_retry_can_charge(counting_gateway):
    counting_gateway(fail=ServiceUnavailable("The payment processor is not answering."))
    with pytest.raises(ServiceUnavailable):
        charge_create(amount=USD_20, card=card(), idempotency_key="retry-me")
    assert not Charge.objects.exists()
    counting_gateway()
    assert charge_create(amount=USD_20, card=card(), idempotency_key="retry-me").created


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1")])
def test_nothing_or_less_cannot_be_charged(amount):
    with pytest.raises(ChargeAmountInvalid, match="greater than zero"):
        charge_create(amount=Money(amount, "USD"), card=card())


def test_void_is_idempotent_and_refund_refuses_a_voided_charge():
    charge = charge_create(amount=USD_20, card=card()).charge
    assert charge_void(charge_id=str(charge.id)).status == "voided"
    assert charge_void(charge_id=str(charge.id)).status == "voided"
    with pytest.raises(ChargeStateInvalid, match="voided, so no money was taken"):
        charge_refund(charge_id=str(charge.id))


def test_refund_once_then_refusals():
    charge = charge_create(amount=USD_20, card=card()).charge
    assert charge_refund(charge_id=str(charge.id)).status == "refunded"
    with pytest.raises(ChargeStateInvalid, match="already refunded; it cannot be refunded"):
        charge_refund(charge_id=str(charge.id))
    with pytest.raises(ChargeStateInvalid, match="already refunded; it cannot be voided"):
        charge_void(charge_id=str(charge.id))


def test_a_declined_charge_cannot_be_voided_or_refunded():
    with pytest.raises(CardDeclined):
        charge_create(amount=USD_20, card=card("4000000000009995"))
    charge = Charge.objects.get()
    for operation in (charge_void, charge_refund):
        with pytest.raises(ChargeStateInvalid, match="declined, so no money was taken"):
            operation(charge_id=str(charge.id))


# A fixed unknown id: test ids must be the same in every collection (pytest-xdist compares them).
@pytest.mark.parametrize("charge_id", ["8994a970-8bb0-42ef-9281-98badc5d11f8", "not-a-uuid"])
def test_an_unknown_charge_is_not_found(charge_id):
    with pytest.raises(ChargeNotFound, match="no charge"):
        charge_refund(charge_id=charge_id)


def test_an_unknown_gateway_setting_is_a_configuration_error(settings):
    settings.PAYMENT_GATEWAY = "acme"
    with pytest.raises(ImproperlyConfigured, match="acme"):
        charge_create(amount=USD_20, card=card())


def test_the_local_client_charges_and_voids():
    client = payment_client()
    transaction_id = client.charge(USD_20, card(), idempotency_key="seam")
    client.void(transaction_id)
    assert Charge.objects.get(pk=transaction_id).status == "voided"


@pytest.mark.django_db(transaction=True)
def test_a_charge_by_the_in_process_processor_is_one_write():
    # Nothing outside the shop holds the money between the answer and the record: no pending
    # claim first, no transaction of its own (payments/services.py).
    with CaptureQueriesContext(connection) as queries:
        outcome = services.charge_create(amount=Money("10.00", "USD"), card=card())
    writes = [q["sql"] for q in queries if not q["sql"].startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("INSERT"), writes
    assert outcome.charge.status == Charge.Status.CAPTURED
