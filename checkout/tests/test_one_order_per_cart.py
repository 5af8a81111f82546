"""One cart, one paid order: a checkout of a cart whose other submission (another e-mail, card,
Idempotency-Key...) is still in flight, or has just bought it, is refused with a clear answer
and charges nothing. The real races run on PostgreSQL (test_postgres.py); here each moment of a
race is set up in turn."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from checkout.claims import _cart_lock_key
from checkout.errors import CartAlreadyOrdered, CartCheckoutInProgress, CheckoutInProgress
from checkout.models import CheckoutLock, Order
from checkout.services import order_place
from shop import registry
from shop.errors import Declined
from testing.fakes import FakeServiceDown

from .test_api import BODY

pytestmark = pytest.mark.django_db

USER = "cart-1"


def place(address, card, **overrides):
    arguments = dict(user_id=USER, user_currency="EUR", address=address,
                     email="ada@example.com", credit_card=card)  # fmt: skip
    return order_place(**(arguments | overrides))


def in_flight(fakes, address, card, user_id=USER) -> str:
    """The cart's order, back to pending as while it is being charged, with the cart full."""
    fakes.cart.add_item(user_id, "OLJCESPC7Z", 1)
    order_id = place(address, card, user_id=user_id).order_id
    Order.objects.filter(pk=order_id).update(status=Order.Status.PENDING, cart_emptied_at=None)
    fakes.cart.add_item(user_id, "OLJCESPC7Z", 1)
    return order_id


@pytest.mark.parametrize(
    "other",
    [{"email": "eve@example.com"}, {"idempotency_key": "another-key"}, {"user_currency": "USD"}],
    ids=["another e-mail", "another key", "another currency"],
)
def test_another_submission_while_one_is_in_flight_gets_a_retry_hint(fakes, address, card, other):
    first = in_flight(fakes, address, card)
    with pytest.raises(CartCheckoutInProgress) as excinfo:
        place(address, card, **other)
    assert (excinfo.value.order_id, excinfo.value.retry_after) == (first, 2)
    assert excinfo.value.spec.http_status == 409
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1


def test_an_identical_resubmit_answers_in_progress_after_a_short_wait(fakes, address, card):
    first = in_flight(fakes, address, card)
    fakes.cart.empty_cart(USER)
    fakes.cart.add_item(USER, "OLJCESPC7Z", 1)  # the same contents: the same submission
    with pytest.raises(CheckoutInProgress) as excinfo:
        place(address, card)
    assert (excinfo.value.order_id, excinfo.value.retry_after) == (first, 2)
    assert len(fakes.payment.charges) == 1


def test_a_paid_order_whose_cart_could_not_be_emptied_bought_the_cart(fakes, address, card):
    def cart_service_down(user_id):
        raise FakeServiceDown()

    fakes.cart.empty_cart = cart_service_down
    fakes.cart.add_item(USER, "OLJCESPC7Z", 1)
    first = place(address, card)
    with pytest.raises(CartAlreadyOrdered, match=first.order_id) as excinfo:
        place(address, card, email="eve@example.com")
    assert excinfo.value.order_id == first.order_id
    assert place(address, card) == first  # the same submission still replays its order
    assert len(fakes.payment.charges) == 1


class CartBoughtWhileRead:
    """The cart as a race makes it look: this read sees the items, and before the reader goes
    on, `buy` (another submission) orders them and empties the cart."""

    def __init__(self, cart, buy):
        self.cart, self.buy = cart, buy

    def get_cart(self, user_id):
        items = self.cart.get_cart(user_id)
        buy, self.buy = self.buy, None
        if buy is not None:
            buy()
        return items

    def empty_cart(self, user_id):
        self.cart.empty_cart(user_id)


@pytest.mark.parametrize("email", ["eve@example.com", "ada@example.com"], ids=["other", "same"])
def test_an_order_that_emptied_the_cart_after_it_was_read_bought_it(fakes, address, card, email):
    fakes.cart.add_item(USER, "OLJCESPC7Z", 1)
    bought = []
    racing = CartBoughtWhileRead(fakes.cart, lambda: bought.append(place(address, card)))
    with registry.override("cart", racing):
        if email == "ada@example.com":  # the very same submission gets that order
            assert place(address, card, email=email) == bought[0]
        else:
            with pytest.raises(CartAlreadyOrdered):
                place(address, card, email=email)
    assert Order.objects.count() == 1 and len(fakes.payment.charges) == 1


def test_a_failed_checkout_leaves_the_cart_free(fakes, address, card):
    fakes.cart.add_item(USER, "OLJCESPC7Z", 1)
    with pytest.raises(Declined):
        place(address, replace(card, number="4000000000000002"))
    assert place(address, card, email="eve@example.com").order_id


def test_rest_answers_409_problems_with_retry_after(fakes, address, card):
    in_flight(fakes, address, card, user_id=BODY["cart_id"])
    response = APIClient().post(
        "/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="second-key"
    )
    assert response.status_code == 409 and response["Retry-After"] == "2"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "cart_checkout_in_progress"
    assert len(fakes.payment.charges) == 1


def test_a_dead_checkout_of_the_cart_is_recovered_by_the_next_submission(fakes, address, card):
    """Its process died a while ago (pending past RECOVERY_AFTER): failed, its charge voided, and
    the cart is free again, with no worker needed (the embedded shop has none)."""
    dead = in_flight(fakes, address, card)
    Order.objects.filter(pk=dead).update(updated_at=timezone.now() - timedelta(minutes=2))
    placed = place(address, card, email="eve@example.com")
    assert Order.objects.get(pk=dead).status == Order.Status.FAILED
    assert fakes.payment.voids == [Order.objects.get(pk=dead).charge_id]
    assert Order.objects.get(pk=placed.order_id).status == Order.Status.PAID


def test_a_dead_checkout_of_this_same_submission_is_recovered_and_placed_anew(fakes, address, card):
    """The same submission as the dead one (the same key): the claim ranks the dead checkout
    before the key's order, so it is recovered rather than waited on."""
    dead = in_flight(fakes, address, card)
    Order.objects.filter(pk=dead).update(updated_at=timezone.now() - timedelta(minutes=2))
    placed = place(address, card)
    assert Order.objects.get(pk=dead).status == Order.Status.FAILED
    assert placed.order_id != dead
    assert Order.objects.get(pk=placed.order_id).status == Order.Status.PAID


def test_a_replay_is_answered_with_its_order_while_the_cart_cannot_be_priced(fakes, address, card):
    fakes.cart.add_item(USER, "OLJCESPC7Z", 1)
    first = place(address, card, idempotency_key="replayed")
    fakes.cart.add_item(USER, "OLJCESPC7Z", 1)
    fakes.shipping.down = True  # no quote: the cart cannot be priced
    assert place(address, card, idempotency_key="replayed").order_id == first.order_id
    with pytest.raises(FakeServiceDown):
        place(address, card, idempotency_key="a-new-one")


def test_a_claim_locks_its_key_and_cart_in_one_upsert_that_stamps_them_again(fakes, address, card):
    # checkout/claims.py writes the upsert in SQL: both rows made by the first claim, both
    # stamped again by the next claim of the cart, one statement each time.
    def claim(**overrides):
        fakes.cart.add_item(USER, "OLJCESPC7Z", 1)
        with CaptureQueriesContext(connection) as queries:
            place(address, card, **overrides)
        upserts = [q["sql"] for q in queries if CheckoutLock._meta.db_table in q["sql"]]
        assert len(upserts) == 1 and "ON CONFLICT" in upserts[0]
        return dict(CheckoutLock.objects.values_list("key", "created_at"))

    first = claim()
    assert len(first) == 2 and _cart_lock_key(USER) in first
    again = claim(idempotency_key="the-same-cart-bought-again")
    assert len(again) == 3  # the cart's row again, and the new key's
    assert again[_cart_lock_key(USER)] > first[_cart_lock_key(USER)]
