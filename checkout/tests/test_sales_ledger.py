"""The sales ledger (checkout/sales.py) that checkout and the staff actions keep, order by order,
holds exactly what recounting it from the orders gives: after paid, shipped, refunded, declined
and cancelled orders, and after concurrent checkouts on PostgreSQL."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from checkout import transitions
from checkout.models import (
    CartCheckout,
    DailyCarts,
    DailyDeclines,
    DailyProductSales,
    DailySales,
    Order,
)
from checkout.sales import _upsert_statement, sales_rebuild
from checkout.selectors import SOLD
from checkout.services import order_place
from shop.errors import Declined

from .orders import make_order
from .test_dashboard import dashboard, headline
from .test_postgres import burst


def ledger() -> dict[str, set]:
    """The ledger's rows that count something (a refund leaves a day's row at zero, which a
    recount does not write)."""
    return {
        "sales": set(
            DailySales.objects.exclude(orders=0).values_list("day", "currency", "orders", "revenue")
        ),
        "products": set(
            DailyProductSales.objects.exclude(quantity=0).values_list(
                "day", "product_id", "name", "quantity", "orders"
            )
        ),
        "declines": set(DailyDeclines.objects.exclude(attempts=0).values_list("day", "attempts")),
        "carts": set(
            CartCheckout.objects.values_list("user_id", "last_checkout_day", "last_paid_day")
        ),
        "cart days": set(
            DailyCarts.objects.exclude(reached=0, converted=0).values_list(
                "day", "reached", "converted"
            )
        ),
    }


def place(user_id, address, card):
    return order_place(user_id=user_id, user_currency="EUR", address=address,
                       email="ada@example.com", credit_card=card)  # fmt: skip


@pytest.mark.django_db
def test_checkout_and_staff_actions_keep_the_ledger_equal_to_a_recount(fakes, address, card):
    # Written straight to the table (and counted by a recount): left pending by a dead process.
    left = make_order("pending", user_id="left", currency="EUR", days_ago=1)
    for user_id, product in (("a", "OLJCESPC7Z"), ("b", "9SIQT8TOJO"), ("a", "66VCHSJNUP")):
        fakes.cart.add_item(user_id, product, 2)
        place(user_id, address, card)  # cart a buys twice
    fakes.cart.add_item("c", "66VCHSJNUP", 1)
    with pytest.raises(Declined):
        place("c", address, replace(card, number="5555555555554444", expiration_year=2020))
    bought_by_b = Order.objects.get(user_id="b")
    transitions.order_transition(order_id=str(bought_by_b.pk), to=Order.Status.SHIPPED)
    transitions.order_refund(order_id=str(bought_by_b.pk))
    Order.objects.filter(pk=left.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    transitions.order_cancel(order_id=str(left.pk))
    fakes.cart.add_item("left", "OLJCESPC7Z", 1)
    place("left", address, card)  # the cart of yesterday's order comes back and buys today

    kept = ledger()
    today = timezone.localdate()
    sold = Order.objects.filter(status__in=SOLD).aggregate(revenue=Sum("total"))["revenue"]
    assert kept["sales"] == {(today, "EUR", 3, sold)}
    assert kept["declines"] == {(today, 1)}
    assert {row[0]: row[2] for row in kept["carts"]} == {"left": today, "a": today, "b": today,
                                                         "c": None}  # fmt: skip
    # Every cart's latest order is today's: yesterday's cart counts today only.
    assert kept["cart days"] == {(today, 4, 3)}
    assert {row[1] for row in kept["products"]} == {"OLJCESPC7Z", "66VCHSJNUP"}  # b's refunded
    sales_rebuild()
    assert ledger() == kept


@pytest.mark.django_db
def test_the_dashboard_reads_the_ledger_not_the_orders(admin_client, rates):
    make_order("paid", user_id="a")  # counted by the recount make_order runs
    Order.objects.all().delete()  # gone from the table, but not from the ledger
    assert headline(dashboard(admin_client), "orders") == "1"
    call_command("sales_rebuild", stdout=io.StringIO())  # what staff run after such a write
    assert headline(dashboard(admin_client), "orders") == "0"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_of_one_day_add_up(fakes, address, card):
    carts = [f"visitor-{n}" for n in range(8)]
    for user_id in carts:
        fakes.cart.add_item(user_id, "OLJCESPC7Z", 1)
    results = burst(lambda n: place(carts[n], address, card), size=len(carts))
    assert not [r for r in results if isinstance(r, Exception)]
    kept = ledger()
    ((_, _, orders, revenue),) = kept["sales"]
    assert orders == len(carts)
    assert revenue == sum(Order.objects.values_list("total", flat=True), Decimal(0))
    sales_rebuild()
    assert ledger() == kept


@pytest.mark.django_db
def test_the_ledgers_statements_are_composed_once_per_shape(fakes, address, card):
    # A checkout's upserts have the same few shapes: the second checkout composes none anew.
    fakes.cart.add_item("a", "OLJCESPC7Z", 2)
    place("a", address, card)
    composed = _upsert_statement.cache_info()
    fakes.cart.add_item("b", "66VCHSJNUP", 1)
    place("b", address, card)
    assert _upsert_statement.cache_info().misses == composed.misses
    assert _upsert_statement.cache_info().hits > composed.hits
