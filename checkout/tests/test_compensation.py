"""A checkout that fails after the charge undoes all it did (void, shipment cancelled), tells the
customer only what is true, and flags for staff what it could not undo; an order whose process
died is recovered by its own task a minute later, not by the 15-minute sweep."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import redis
from django.utils import timezone

from checkout import services, tasks, transitions
from checkout.compensation import MAYBE_CHARGED, MONEY_RETURNED, NOT_CHARGED
from checkout.models import Order
from checkout.services import ORDER_RECOVER_TASK, RECOVERY_AFTER, order_place
from shop.errors import ServiceUnavailable

from .orders import make_order

pytestmark = pytest.mark.django_db

USER = "visitor-1"
ORDERS = "/admin/checkout/order/"


def place(address, card):
    return order_place(user_id=USER, user_currency="EUR", address=address,
                       email="ada@example.com", credit_card=card)  # fmt: skip


def crash_after_shipping(monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("disk full")

    # Our own code failing between the shipment and the paid mark (a real fault can't be staged).
    monkeypatch.setattr(services, "_order_mark_paid", crash)


def test_a_failure_after_shipping_voids_and_cancels_the_shipment(fakes, address, card, monkeypatch):
    fakes.cart.add_item(USER, "66VCHSJNUP", 1)
    crash_after_shipping(monkeypatch)
    with pytest.raises(ServiceUnavailable) as excinfo:
        place(address, card)
    assert NOT_CHARGED in excinfo.value.message
    order = Order.objects.get()
    assert order.status == "failed" and fakes.payment.voids == [order.charge_id]
    (tracking_id,) = fakes.shipping.shipments
    assert fakes.shipping.cancelled == {tracking_id}
    assert not order.needs_attention and order.attention_note == ""


def test_a_charge_that_cannot_be_voided_is_never_called_not_charged(fakes, address, card):
    fakes.cart.add_item(USER, "66VCHSJNUP", 1)
    fakes.shipping.ship_down = True
    fakes.payment.void_down = True
    with pytest.raises(ServiceUnavailable) as excinfo:
        place(address, card)
    assert MONEY_RETURNED in excinfo.value.message and NOT_CHARGED not in excinfo.value.message
    order = Order.objects.get()
    assert order.status == "failed" and MONEY_RETURNED in order.failure_reason
    assert order.needs_attention and f"The charge {order.charge_id} could NOT be voided" in (
        order.attention_note
    )
    assert len(fakes.payment.captured) == 1 and not fakes.payment.voids


def test_a_shipment_that_cannot_be_cancelled_is_left_to_staff(fakes, address, card, monkeypatch):
    fakes.cart.add_item(USER, "66VCHSJNUP", 1)
    crash_after_shipping(monkeypatch)
    fakes.shipping.cancel_down = True
    with pytest.raises(ServiceUnavailable, match=NOT_CHARGED):
        place(address, card)
    order = Order.objects.get()
    assert order.needs_attention and "could NOT be cancelled" in order.attention_note
    assert str(order.pk) in order.attention_note  # the reference staff look the shipment up by


def test_a_refused_shipment_has_nothing_to_cancel(fakes, address, card):
    from shipping.errors import ShipmentReferenceReused

    class RefusingShipping(type(fakes.shipping)):
        def ship_order(self, address, items, *, reference=None):
            raise ShipmentReferenceReused()

        def cancel(self, *, reference):
            raise AssertionError("a refused shipment was never made")

    from shop import registry

    fakes.cart.add_item(USER, "66VCHSJNUP", 1)
    with registry.override("shipping", RefusingShipping()), pytest.raises(ShipmentReferenceReused):
        place(address, card)
    assert not Order.objects.get().needs_attention


def test_a_charge_whose_answer_was_lost_is_voided_by_the_order_id(fakes, address, card):
    fakes.cart.add_item(USER, "66VCHSJNUP", 1)
    fakes.payment.answers_lost = True
    with pytest.raises(ServiceUnavailable) as excinfo:
        place(address, card)
    assert NOT_CHARGED in excinfo.value.message
    order = Order.objects.get()
    (charge,) = fakes.payment.charges
    assert order.status == "failed" and order.charge_id == ""
    assert charge.idempotency_key == str(order.pk) and charge.voided
    assert not order.needs_attention


def test_a_charge_still_in_progress_under_the_order_id_is_voided_not_denied(fakes, address, card):
    # "Still being processed, ask again" is not a refusal: the money may move, so it is voided.
    fakes.cart.add_item(USER, "66VCHSJNUP", 1)
    fakes.payment.held_elsewhere = True
    with pytest.raises(ServiceUnavailable) as excinfo:
        place(address, card)
    assert NOT_CHARGED in excinfo.value.message
    order = Order.objects.get()
    (charge,) = fakes.payment.charges
    assert order.status == "failed"
    assert charge.idempotency_key == str(order.pk) and charge.voided


def test_an_unknown_charge_that_cannot_be_voided_is_neither_denied_nor_claimed(
    fakes, address, card
):
    fakes.cart.add_item(USER, "66VCHSJNUP", 1)
    fakes.payment.answers_lost = True
    fakes.payment.void_down = True
    with pytest.raises(ServiceUnavailable) as excinfo:
        place(address, card)
    assert MAYBE_CHARGED in excinfo.value.message and NOT_CHARGED not in excinfo.value.message
    order = Order.objects.get()
    assert order.needs_attention and f"the key {order.pk}" in order.attention_note


def test_a_declined_card_is_not_voided(fakes, address, card):
    fakes.cart.add_item(USER, "66VCHSJNUP", 1)
    fakes.payment.today = fakes.payment.today.replace(year=2040)  # the card has expired
    with pytest.raises(Exception, match="expired"):
        place(address, card)
    assert not fakes.payment.voided_keys and not Order.objects.get().needs_attention


# --- recovery ------------------------------------------------------------------------------


def test_the_orders_own_recovery_resolves_it_if_its_process_died(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    order = Order.objects.get(pk=place(address, card).order_id)
    # As a process killed between the shipment and the paid mark would have left it.
    Order.objects.update(status="pending")
    tasks.order_recover(str(order.pk))
    order.refresh_from_db()
    assert order.status == "failed" and fakes.payment.voids == [order.charge_id]
    assert fakes.shipping.cancelled == {order.tracking_id}
    assert order.failure_reason.endswith(NOT_CHARGED) and not order.needs_attention


def test_the_recovery_voids_a_charge_its_order_never_recorded(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    order = Order.objects.get(pk=place(address, card).order_id)
    # As a process killed between the charge and recording its id would have left it.
    Order.objects.update(status="pending", charge_id="", tracking_id="")
    tasks.order_recover(str(order.pk))
    order.refresh_from_db()
    (charge,) = fakes.payment.charges
    assert order.status == "failed" and charge.voided
    assert order.failure_reason.endswith(NOT_CHARGED) and not order.needs_attention


def test_the_recovery_leaves_a_finished_order_alone(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    order = Order.objects.get(pk=place(address, card).order_id)
    tasks.order_recover(str(order.pk))
    order.refresh_from_db()
    assert order.status == "paid" and not fakes.payment.voids and not fakes.shipping.cancelled


def test_the_sweep_backstop_undoes_the_shipment_too(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    place(address, card)
    fakes.payment.void_down = True
    Order.objects.update(status="pending", updated_at=timezone.now() - timedelta(hours=1))
    tasks.orders_sweep()
    order = Order.objects.get()
    assert order.status == "failed" and MONEY_RETURNED in order.failure_reason
    assert order.needs_attention and fakes.shipping.cancelled == {order.tracking_id}


@pytest.fixture
def broker(redis_server):
    """This process queues tasks on a real Redis instead of running them eagerly."""
    from kombu import pools

    from shop.celery import app

    url = redis_server.url.rsplit("/", 1)[0] + "/8"  # a database of its own
    redis.Redis.from_url(url).flushdb()
    previous = app.conf.task_always_eager, app.conf.broker_url

    def reset_pools():
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.task_always_eager, app.conf.broker_url = False, url
    reset_pools()
    yield redis.Redis.from_url(url)
    app.conf.task_always_eager, app.conf.broker_url = previous
    reset_pools()


def test_the_checkout_queues_its_own_recovery_a_minute_ahead(fakes, address, card, broker):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    before = timezone.now()
    order_id = place(address, card).order_id
    queued = [json.loads(message) for message in broker.lrange("celery", 0, -1)]
    (recovery,) = [m for m in queued if m["headers"]["task"] == ORDER_RECOVER_TASK]
    assert recovery["headers"]["argsrepr"] == repr((order_id,))
    eta = datetime.fromisoformat(recovery["headers"]["eta"])
    assert eta >= before + RECOVERY_AFTER


# --- staff ---------------------------------------------------------------------------------


def test_staff_cancelling_a_stuck_order_cancel_its_shipment_and_hear_what_failed(fakes):
    from shop.dto import Address, CartItem

    home = Address("1 Main St", "Springfield", "IL", "United States", "62701")
    stuck = make_order("pending", days_ago=1, charge_id="no-such-charge")
    fakes.shipping.ship_order(home, (CartItem("OLJCESPC7Z", 2),), reference=str(stuck.pk))
    with pytest.raises(ServiceUnavailable, match="could NOT be voided"):
        transitions.order_cancel(order_id=str(stuck.pk))
    stuck.refresh_from_db()
    assert stuck.status == "cancelled" and stuck.needs_attention
    assert len(fakes.shipping.cancelled) == 1


def test_staff_find_flagged_orders_read_why_and_mark_them_handled(admin_client):
    note = "The charge ch-1 could NOT be voided (down): refund it by hand."
    flagged = make_order("failed", needs_attention=True, attention_note=note)
    fine = make_order("failed", failure_reason="Card declined.")

    listed = admin_client.get(ORDERS, {"needs_attention__exact": "1", "kind": "all"})
    page = listed.content.decode()
    assert str(flagged.pk) in page and str(fine.pk) not in page
    order_page = admin_client.get(f"{ORDERS}{flagged.pk}/change/").content.decode()
    assert "Staff attention" in order_page and "refund it by hand" in order_page
    assert "Staff attention" not in admin_client.get(f"{ORDERS}{fine.pk}/change/").content.decode()

    admin_client.post(ORDERS, {"action": "attention_handled", "_selected_action": [flagged.pk]})
    flagged.refresh_from_db()
    assert not flagged.needs_attention and flagged.attention_note == note
