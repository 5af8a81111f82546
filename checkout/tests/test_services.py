"""order_place through the service clients: real catalog and currency, faithful fakes."""

import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from checkout import post_order, recovery, selectors, services, transitions
from checkout.errors import CartEmpty, IdempotencyKeyReused, InvalidTransition, OrderNotFound
from checkout.models import Order
from checkout.services import order_place
from shop.errors import Declined, InvalidArgument, ServiceUnavailable
from shop.money import Money
from testing.fakes import FakeServiceDown

pytestmark = pytest.mark.django_db

USER = "visitor-1"


def place(address, card, *, currency="EUR", **overrides):
    arguments = dict(user_id=USER, user_currency=currency, address=address,
                     email="ada@example.com", credit_card=card)  # fmt: skip
    return order_place(**(arguments | overrides))


def test_places_the_order_with_shown_prices_and_follows_every_step(
    fakes, address, card, django_capture_on_commit_callbacks
):
    fakes.cart.add_item(USER, "OLJCESPC7Z", 3)  # Sunglasses, 19.99 USD
    fakes.cart.add_item(USER, "9SIQT8TOJO", 1)  # Bamboo Glass Jar, 5.49 USD
    with django_capture_on_commit_callbacks(execute=True):
        result = place(address, card)

    # 19.99 USD is shown as 17.68 EUR; the line is 3 x the shown price, never a rounded product.
    costs = {line.item.product_id: line.cost for line in result.items}
    assert costs == {"OLJCESPC7Z": Money(Decimal("17.68"), "EUR"),
                     "9SIQT8TOJO": Money(Decimal("4.86"), "EUR")}  # fmt: skip
    assert result.shipping_cost == Money(Decimal("7.95"), "EUR")
    order = Order.objects.get(pk=result.order_id)
    assert order.status == Order.Status.PAID
    assert order.total == Decimal("3") * Decimal("17.68") + Decimal("4.86") + Decimal("7.95")
    (charge,) = fakes.payment.charges
    assert charge.amount == Money(order.total, "EUR") and charge.idempotency_key == str(order.id)
    assert order.charge_id == charge.transaction_id
    assert re.fullmatch(r"[A-Z]{2}-\d+-\d+", result.shipping_tracking_id)
    assert order.tracking_id == result.shipping_tracking_id
    assert [line.product_name for line in order.lines.all()] == ["Sunglasses", "Bamboo Glass Jar"]
    assert fakes.cart.get_cart(USER).items == ()
    assert order.completed_at is not None
    (email,) = mail.outbox
    assert email.to == ["ada@example.com"] and str(order.id) in email.subject
    assert f"/order/{order.id}?token={order.access_token}" in email.body


def test_a_paid_order_tells_the_recommendations_service_what_was_bought_once(
    fakes, address, card, django_capture_on_commit_callbacks
):
    from recommendations.models import Basket  # the other side of the task, checked for real

    fakes.cart.add_item(USER, "OLJCESPC7Z", 3)
    fakes.cart.add_item(USER, "9SIQT8TOJO", 1)
    with django_capture_on_commit_callbacks(execute=True):
        result = place(address, card)
    with django_capture_on_commit_callbacks(execute=True):
        post_order.order_completed_process(order_id=result.order_id)  # a redelivered task
    (basket,) = Basket.objects.all()
    assert basket.order_id == result.order_id
    assert basket.product_ids == ["9SIQT8TOJO", "OLJCESPC7Z"]


def test_a_failed_order_tells_the_recommendations_service_nothing(
    fakes, address, card, django_capture_on_commit_callbacks
):
    from recommendations.models import Basket

    fakes.cart.add_item(USER, "OLJCESPC7Z", 1)
    fakes.shipping.ship_down = True
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceUnavailable):
        place(address, card)
    assert not Basket.objects.exists()


def test_an_empty_cart_is_refused_and_nothing_is_recorded(fakes, address, card):
    with pytest.raises(CartEmpty) as excinfo:
        place(address, card)
    assert excinfo.value.kind == "precondition"
    assert not Order.objects.exists() and not fakes.payment.charges


def test_a_refused_card_fails_the_order_and_keeps_the_cart(fakes, address, card):
    fakes.cart.add_item(USER, "66VCHSJNUP", 1)
    mastercard_expired = replace(card, number="5555555555554444", expiration_year=2020)
    with pytest.raises(Declined, match="expired"):
        place(address, mastercard_expired)
    order = Order.objects.get()
    assert order.status == Order.Status.FAILED and "expired" in order.failure_reason
    assert not fakes.payment.charges and not fakes.shipping.shipments
    assert fakes.cart.get_cart(USER).size == 1


def test_shipping_down_after_the_charge_voids_it_and_keeps_the_cart(fakes, address, card):
    fakes.cart.add_item(USER, "66VCHSJNUP", 2)
    fakes.shipping.ship_down = True
    with pytest.raises(ServiceUnavailable):
        place(address, card)
    order = Order.objects.get()
    assert order.status == Order.Status.FAILED
    assert "shipping service" in order.failure_reason
    assert fakes.payment.voids == [order.charge_id] and not fakes.payment.captured
    assert fakes.cart.get_cart(USER).size == 2
    assert not mail.outbox

    # Once shipping is back the same submission is a fresh attempt: the failure consumed nothing.
    fakes.shipping.ship_down = False
    result = place(address, card)
    assert Order.objects.get(pk=result.order_id).status == Order.Status.PAID
    assert len(fakes.payment.captured) == 1


def test_a_crash_after_the_charge_is_compensated_too(fakes, address, card, monkeypatch):
    fakes.cart.add_item(USER, "66VCHSJNUP", 1)

    def crash(**kwargs):
        raise RuntimeError("disk full")

    # Our own code failing between the charge and the paid mark (a real fault can't be staged).
    monkeypatch.setattr(services, "_order_mark_paid", crash)
    with pytest.raises(ServiceUnavailable, match="not been charged"):
        place(address, card)
    order = Order.objects.get()
    assert order.status == Order.Status.FAILED and fakes.payment.voids == [order.charge_id]


def test_a_double_submit_places_one_order_and_charges_once(fakes, address, card):
    fakes.cart.add_item(USER, "1YMWWN1N4O", 1)
    first = place(address, card)
    # The first click emptied the cart; the second click sees the same confirmation.
    assert place(address, card) == first
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1


def test_the_same_cart_submitted_while_its_order_stands_returns_that_order(fakes, address, card):
    fakes.cart.add_item(USER, "1YMWWN1N4O", 1)

    def cart_service_down(user_id):
        raise FakeServiceDown()

    fakes.cart.empty_cart = cart_service_down  # the order stands, its cart could not be emptied
    first = place(address, card)
    assert place(address, card) == first
    assert len(fakes.payment.charges) == 1


def test_a_different_submission_is_a_new_order(fakes, address, card):
    fakes.cart.add_item(USER, "1YMWWN1N4O", 1)
    first = place(address, card)
    fakes.cart.add_item(USER, "1YMWWN1N4O", 1)
    second = place(address, card)
    assert first.order_id != second.order_id and len(fakes.payment.charges) == 2


def test_a_client_key_replays_its_order_and_refuses_another_request(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    first = place(address, card, idempotency_key="key-1")
    Order.objects.update(created_at=timezone.now() - timedelta(days=2))  # keys do not expire
    assert place(address, card, idempotency_key="key-1") == first
    with pytest.raises(IdempotencyKeyReused) as excinfo:
        place(address, card, idempotency_key="key-1", email="someone@example.com")
    assert excinfo.value.spec.http_status == 409
    assert len(fakes.payment.charges) == 1


def test_bad_input_names_each_field_and_changes_nothing(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    bad_card = replace(card, number="4432", cvv="1", expiration_month=13)
    with pytest.raises(InvalidArgument) as excinfo:
        place(replace(address, city=" "), bad_card, email="not-an-email")
    assert set(excinfo.value.fields) == {
        "email", "city", "credit_card_number", "credit_card_cvv", "credit_card_expiration_month"
    }  # fmt: skip
    assert not Order.objects.exists() and fakes.cart.get_cart(USER).size == 1


def test_an_unknown_currency_is_refused_before_anything_happens(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    with pytest.raises(InvalidArgument) as excinfo:
        place(address, card, currency="XTS")
    assert "not supported" in excinfo.value.fields["currency"][0]
    assert not Order.objects.exists()


@pytest.mark.parametrize("currency", ["XYZ", "usd", "", "EUR\x00"])
def test_a_made_up_currency_is_invalid_even_with_an_empty_cart(fakes, address, card, currency):
    with pytest.raises(InvalidArgument) as excinfo:
        place(address, card, currency=currency)
    assert set(excinfo.value.fields) == {"currency"}


@pytest.mark.parametrize("field,value", [("number", "٤١١١ ١١١١ ١١١١ ١١١١"), ("cvv", "¹²³")])
def test_card_digits_are_ascii_digits_only(fakes, address, card, field, value):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    with pytest.raises(InvalidArgument) as excinfo:
        place(address, replace(card, **{field: value}))
    assert set(excinfo.value.fields) == {f"credit_card_{field}"}
    assert not fakes.payment.charges


def test_japanese_yen_prices_have_no_minor_unit(fakes, address, card):
    fakes.cart.add_item(USER, "6E92ZMYYFZ", 2)  # Mug, 8.99 USD
    result = place(address, card, currency="JPY")
    assert result.items[0].cost == Money(Decimal("1005"), "JPY")
    assert Order.objects.get().total == Decimal(2 * 1005 + 1005)  # shipping 8.99 USD, too


def test_status_moves_only_along_allowed_transitions(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    order_id = place(address, card).order_id
    transitions.order_transition(order_id=order_id, to=Order.Status.SHIPPED)
    with pytest.raises(InvalidTransition, match="set to paid directly"):
        transitions.order_transition(order_id=order_id, to=Order.Status.PAID)
    with pytest.raises(InvalidTransition, match="is shipped, so it cannot become shipped"):
        transitions.order_transition(order_id=order_id, to=Order.Status.SHIPPED)
    transitions.order_transition(order_id=order_id, to=Order.Status.DELIVERED)
    assert Order.objects.get().status == Order.Status.DELIVERED


def test_shipping_may_record_the_carriers_tracking_id(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    order_id = place(address, card).order_id
    given = Order.objects.get().tracking_id
    for bad in ("  ", "x" * 101, "AB\n12"):
        with pytest.raises(InvalidArgument, match="tracking id") as excinfo:
            transitions.order_transition(order_id=order_id, to="shipped", tracking_id=bad)
        assert "tracking_id" in excinfo.value.fields
    assert Order.objects.get().tracking_id == given and Order.objects.get().status == "paid"
    transitions.order_transition(order_id=order_id, to="shipped", tracking_id=" 1Z999AA10 ")
    assert Order.objects.get().tracking_id == "1Z999AA10"
    with pytest.raises(InvalidArgument, match="when an order ships"):
        transitions.order_transition(order_id=order_id, to="delivered", tracking_id="X")


def test_an_order_left_pending_by_a_crash_is_failed_and_its_charge_voided(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    place(address, card)
    charge_id = fakes.payment.charges[0].transaction_id
    # As a process killed between the charge and the shipment would have left it.
    Order.objects.update(
        status=Order.Status.PENDING, updated_at=timezone.now() - timedelta(hours=1)
    )
    assert recovery.orders_pending_recover(older_than=timedelta(minutes=15)) == 1
    assert Order.objects.get().status == Order.Status.FAILED
    assert fakes.payment.voids == [charge_id]


def test_the_access_token_is_checked(fakes, address, card):
    fakes.cart.add_item(USER, "L9ECAV7KIM", 1)
    order = Order.objects.get(pk=place(address, card).order_id)
    assert selectors.order_get_for_customer(order_id=str(order.id), token=order.access_token)
    for token in ["", "wrong", order.access_token[:-1]]:
        with pytest.raises(OrderNotFound):
            selectors.order_get_for_customer(order_id=str(order.id), token=token)


def test_pricing_fetches_every_product_of_the_cart_in_one_catalog_call(fakes, address, card):
    from catalog.local import LocalCatalogClient
    from shop import registry
    from testing.fakes import Recording

    for product_id in ("OLJCESPC7Z", "9SIQT8TOJO", "6E92ZMYYFZ", "66VCHSJNUP"):
        fakes.cart.add_item(USER, product_id, 1)
    catalog = Recording(LocalCatalogClient())
    with registry.override("catalog", catalog):
        place(address, card)
    assert catalog.calls == ["get_products"]
