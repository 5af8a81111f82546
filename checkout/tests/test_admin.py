"""Orders in the admin (read-only, money per currency, links, status actions) and the sales
dashboard, through the test client as a logged-in staff user."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkout import selectors
from checkout.models import Order, OrderLine
from payments.client import payment_client
from shop import registry
from shop.dto import CreditCard
from shop.money import Money
from testing.fakes import FakePayment

pytestmark = pytest.mark.django_db

ORDERS = "/admin/checkout/order/"
SALES = "/admin/sales/"
VISA = CreditCard(number="4432801561520454", cvv="672", expiration_year=2039, expiration_month=1)


def make_order(
    status: str = "paid",
    *,
    currency: str = "USD",
    lines=(("OLJCESPC7Z", "Sunglasses", 2, "19.99"),),
    shipping: str = "8.99",
    days_ago: int = 0,
    charge_id: str = "",
    tracking_id: str = "",
) -> Order:
    total = sum(Decimal(price) * quantity for _, _, quantity, price in lines) + Decimal(shipping)
    order = Order.objects.create(
        user_id="visitor", email="ada@example.com", street_address="1 Main St",
        city="Springfield", country="United States", zip_code="62701", currency=currency,
        shipping_cost=Decimal(shipping), total=total, status=status, charge_id=charge_id,
        tracking_id=tracking_id, idempotency_key=f"key-{Order.objects.count()}",
    )  # fmt: skip
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product_id=product_id, product_name=name, quantity=quantity,
                  unit_price=Decimal(price))
        for product_id, name, quantity, price in lines
    )  # fmt: skip
    if days_ago:
        then = timezone.now() - timedelta(days=days_ago)
        Order.objects.filter(pk=order.pk).update(created_at=then, updated_at=then)
    order.refresh_from_db()
    return order


def act(admin_client, action: str, *orders: Order) -> str:
    selected = [str(order.pk) for order in orders]
    response = admin_client.post(
        ORDERS, {"action": action, "_selected_action": selected}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def status_of(order: Order) -> str:
    return Order.objects.get(pk=order.pk).status


# --- the order pages ----------------------------------------------------------------------------


def test_the_order_page_is_read_only_and_shows_money_lines_and_links(admin_client):
    order = make_order(charge_id="0b5e6f1a-58a4-4bd3-9b7e-1d6c0e1c2a11", tracking_id="AB-1-2")
    page = admin_client.get(f"{ORDERS}{order.pk}/change/").content.decode()

    assert "$48.97" in page and "$8.99" in page and "$19.99" in page and "$39.98" in page
    assert "48.970" not in page and "8.990" not in page
    assert "Sunglasses" in page and "OLJCESPC7Z" in page  # the lines, inline
    assert 'name="_save"' not in page and "deletelink" not in page
    assert f'href="/admin/payments/charge/{order.charge_id}/change/"' in page
    assert 'href="/admin/shipping/shipment/?tracking_id=AB-1-2"' in page
    assert f'href="/admin/notifications/emailmessage/?order_id={order.pk}"' in page
    # The linked lists accept their filter (an unknown one would redirect with ?e=1).
    assert admin_client.get("/admin/shipping/shipment/?tracking_id=AB-1-2").status_code == 200
    emails = admin_client.get(f"/admin/notifications/emailmessage/?order_id={order.pk}")
    assert emails.status_code == 200

    assert "$48.97" in admin_client.get(ORDERS).content.decode()
    yen = make_order(currency="JPY", lines=(("6E92ZMYYFZ", "Mug", 1, "1005"),), shipping="0")
    assert "¥1,005" in admin_client.get(f"{ORDERS}{yen.pk}/change/").content.decode()


def test_orders_cannot_be_added_edited_or_deleted_by_hand(admin_client):
    order = make_order()
    assert admin_client.get(f"{ORDERS}add/").status_code == 403
    assert (
        admin_client.post(f"{ORDERS}{order.pk}/change/", {"status": "refunded"}).status_code == 403
    )
    assert admin_client.post(f"{ORDERS}{order.pk}/delete/", {"post": "yes"}).status_code == 403
    assert act(admin_client, "delete_selected", order)  # not offered: nothing happens
    assert Order.objects.get(pk=order.pk).status == "paid"


# --- status actions -----------------------------------------------------------------------------


def test_shipped_and_delivered_follow_the_transition_table(admin_client):
    paid, pending = make_order("paid"), make_order("pending")
    page = act(admin_client, "mark_delivered", paid)
    assert "This order is paid, so it cannot become delivered: it can be marked shipped" in page
    assert status_of(paid) == "paid"
    assert "1 order(s) marked shipped." in act(admin_client, "mark_shipped", paid, pending)
    assert status_of(paid) == "shipped" and status_of(pending) == "pending"
    act(admin_client, "mark_delivered", paid)
    assert status_of(paid) == "delivered"


def test_cancel_only_an_interrupted_checkout_and_void_its_charge(admin_client):
    payment = FakePayment()
    with registry.override("payments", payment):
        charge_id = payment.charge(Money(Decimal("48.97"), "USD"), VISA, idempotency_key="k")
        running = make_order("pending")
        stuck = make_order("pending", days_ago=1, charge_id=charge_id)
        paid = make_order("paid")

        page = act(admin_client, "cancel", running, paid)
        assert "checkout may still be running" in page
        assert "This order is paid, so it cannot become cancelled" in page
        assert (status_of(running), status_of(paid)) == ("pending", "paid")

        assert "1 order(s) cancelled." in act(admin_client, "cancel", stuck)
    assert status_of(stuck) == "cancelled" and payment.voids == [charge_id]


def test_refund_goes_through_the_payment_service_once(admin_client):
    from payments.models import Charge  # the test checks the payment side; checkout never does

    charge_id = payment_client().charge(Money(Decimal("48.97"), "USD"), VISA, idempotency_key="o")
    shipped = make_order("shipped", charge_id=charge_id)
    failed = make_order("failed")

    assert "1 order(s) refunded." in act(admin_client, "refund", shipped, failed)
    assert status_of(shipped) == "refunded" and status_of(failed) == "failed"
    assert Charge.objects.get(pk=charge_id).status == "refunded"
    page = act(admin_client, "refund", shipped)
    assert "This order is refunded, so it cannot become refunded: its status is final." in page
    assert "This order is failed" in act(admin_client, "refund", failed)


def test_a_refund_the_payment_service_cannot_make_leaves_the_order_paid(admin_client):
    payment = FakePayment()
    with registry.override("payments", payment):
        order = make_order("paid", charge_id=payment.charge(Money(Decimal("1"), "USD"), VISA))
        payment.down = True
        assert "payment service is not answering" in act(admin_client, "refund", order)
    assert status_of(order) == "paid" and payment.captured


# --- the sales dashboard ------------------------------------------------------------------------


@pytest.fixture
def seeded_orders():
    make_order("paid")  # today: 2 x Sunglasses, 48.97 USD
    make_order("shipped", lines=(("OLJCESPC7Z", "Sunglasses", 1, "19.99"),
                                 ("9SIQT8TOJO", "Bamboo Glass Jar", 3, "5.49")))  # fmt: skip
    make_order("delivered", currency="EUR", lines=(("9SIQT8TOJO", "Bamboo Glass Jar", 1, "4.86"),),
               shipping="7.95", days_ago=1)  # fmt: skip
    make_order("refunded")  # not sales:
    make_order("failed")
    make_order("cancelled")
    make_order("paid", days_ago=40)


def test_the_sales_summary_counts_what_was_sold(seeded_orders):
    summary = selectors.sales_summary(days=30)
    today, yesterday = timezone.localdate(), timezone.localdate() - timedelta(days=1)
    assert summary.since == today - timedelta(days=29)
    assert [(d.day, d.currency, d.orders, d.revenue) for d in summary.days] == [
        (today, "USD", 2, Money(Decimal("48.97") + Decimal("45.45"), "USD")),
        (yesterday, "EUR", 1, Money(Decimal("12.81"), "EUR")),
    ]
    assert [(t.currency, t.orders, t.revenue.amount) for t in summary.totals] == [
        ("EUR", 1, Decimal("12.81")),
        ("USD", 2, Decimal("94.42")),
    ]
    assert [(p.product_id, p.name, p.quantity, p.orders) for p in summary.top_products] == [
        ("9SIQT8TOJO", "Bamboo Glass Jar", 4, 2),
        ("OLJCESPC7Z", "Sunglasses", 3, 2),
    ]


def test_the_sales_summary_takes_the_same_queries_however_many_orders(django_assert_num_queries):
    with django_assert_num_queries(2):
        selectors.sales_summary()
    for days_ago in range(12):
        make_order("paid", currency=["USD", "EUR", "JPY"][days_ago % 3], days_ago=days_ago,
                   lines=((f"P{days_ago}", f"Product {days_ago}", 1, "3"),))  # fmt: skip
    with django_assert_num_queries(2):
        assert len(selectors.sales_summary().days) == 12


def test_the_dashboard_page_shows_the_figures_to_staff(admin_client, seeded_orders):
    index = admin_client.get("/admin/").content.decode()
    assert f'href="{SALES}"' in index
    page = admin_client.get(SALES).content.decode()
    assert "$94.42" in page and "12,81\xa0€" in page and "Bamboo Glass Jar" in page


def test_the_dashboard_page_queries_do_not_grow_with_orders(admin_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(SALES).status_code == 200
        return len(captured)

    make_order("paid")
    few = queries()
    for days_ago in range(10):
        make_order("shipped", days_ago=days_ago, lines=((f"P{days_ago}", "Thing", 2, "1.5"),))
    assert queries() == few


def test_the_dashboard_is_for_staff_only(client, admin_client):
    assert client.get(SALES).status_code == 302  # to the admin login
    customer = User.objects.create_user("customer", password="pw")
    client.force_login(customer)
    assert client.get(SALES)["Location"].startswith("/admin/login/")
    clerk = User.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(clerk)
    assert client.get(SALES).status_code == 403  # staff without access to orders
    assert f'href="{SALES}"' not in client.get("/admin/").content.decode()
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(User.objects.get(pk=clerk.pk))
    assert client.get(SALES).status_code == 200
