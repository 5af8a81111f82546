"""The order page in the admin: the buttons of the moves allowed from the order's status, each a
CSRF-checked POST that calls the service, records who and when, and says what happened; the
money summary; only the sections the order has something in."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.test import Client

from checkout.models import Order
from shop import registry
from shop.dto import CreditCard
from shop.money import Money
from testing.fakes import FakePayment

from .orders import make_order

pytestmark = pytest.mark.django_db

ORDERS = "/admin/checkout/order/"
VISA = CreditCard(number="4432801561520454", cvv="672", expiration_year=2039, expiration_month=1)
ALL_MOVES = ("ship", "deliver", "resend", "refund", "cancel")


def page_of(client, order: Order) -> str:
    response = client.get(f"{ORDERS}{order.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def move_url(order: Order, move: str) -> str:
    return f"{ORDERS}{order.pk}/move/{move}/"


def buttons_on(page: str) -> set[str]:
    return set(re.findall(r'<form method="post" action="[^"]+/move/(\w+)/"', page))


def primary_on(page: str) -> list[str]:
    return re.findall(r'id="move-(\w+)">.*?<button type="submit" class="button default">', page,
                      flags=re.S)  # fmt: skip


def move(client, order: Order, name: str, **form) -> str:
    response = client.post(move_url(order, name), form, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def log_of(order: Order) -> list[tuple[str, str]]:
    entries = LogEntry.objects.filter(object_id=str(order.pk)).order_by("action_time")
    return [(entry.user.username, entry.change_message) for entry in entries]


@pytest.mark.parametrize(
    ("status", "moves", "primary"),
    [
        ("pending", {"cancel"}, ["cancel"]),
        ("paid", {"ship", "resend", "refund"}, ["ship"]),
        ("shipped", {"deliver", "resend", "refund"}, ["deliver"]),
        ("delivered", {"resend", "refund"}, []),
        ("failed", set(), []),
        ("cancelled", set(), []),
        ("refunded", set(), []),
    ],
)
def test_only_the_moves_allowed_from_the_status_have_buttons(admin_client, status, moves, primary):
    page = page_of(admin_client, make_order(status, tracking_id="AB-1-2"))
    assert buttons_on(page) == moves
    assert primary_on(page) == primary
    assert ('id="order-moves"' in page) == bool(moves)
    if "ship" in moves:  # the tracking id input, filled with the one the order has
        assert re.search(r'<input type="text" name="tracking_id"[^>]*value="AB-1-2"[^>]*required',
                         page)  # fmt: skip


def test_staff_who_may_only_look_get_no_buttons_and_cannot_post(client):
    clerk = User.objects.create_user("clerk", password="pw", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(clerk)
    order = make_order("paid")
    assert buttons_on(page_of(client, order)) == set()
    assert client.post(move_url(order, "ship"), {"tracking_id": "X"}).status_code == 403
    assert Order.objects.get(pk=order.pk).status == "paid" and not log_of(order)


def test_a_move_is_a_post_with_a_csrf_token(admin_user):
    order = make_order("paid")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    assert browser.get(move_url(order, "ship")).status_code == 405
    assert browser.post(move_url(order, "ship"), {"tracking_id": "X"}).status_code == 403
    assert Order.objects.get(pk=order.pk).status == "paid"
    page = page_of(browser, order)
    token = re.search(r'id="move-ship">\s*<input type="hidden" name="csrfmiddlewaretoken" '
                      r'value="([^"]+)"', page).group(1)  # fmt: skip
    browser.post(move_url(order, "ship"), {"tracking_id": "X", "csrfmiddlewaretoken": token})
    assert Order.objects.get(pk=order.pk).status == "shipped"


def test_ship_with_a_tracking_id_then_deliver_each_recorded_with_who_and_when(admin_client):
    order = make_order("paid", tracking_id="AB-1-2")
    page = move(admin_client, order, "ship", tracking_id=" 1Z999AA10123456784 ")
    assert "Marked shipped (tracking id 1Z999AA10123456784)." in page
    order.refresh_from_db()
    assert (order.status, order.tracking_id) == ("shipped", "1Z999AA10123456784")

    page = move(admin_client, order, "deliver")
    assert "Marked delivered." in page and Order.objects.get(pk=order.pk).status == "delivered"
    assert log_of(order) == [
        ("admin", "Marked shipped (tracking id 1Z999AA10123456784)."),
        ("admin", "Marked delivered."),
    ]
    # On the order page: who did what, and when.
    history = page.split(">History</h2>")[1]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC by admin: Marked delivered\.", history)


def test_a_refused_move_says_why_and_records_nothing(admin_client):
    order = make_order("paid")
    page = move(admin_client, order, "deliver")  # a stale button: the service refuses it
    assert "This order is paid, so it cannot become delivered" in page
    page = move(admin_client, order, "ship", tracking_id="   ")
    assert "Enter the parcel&#x27;s tracking id" in page
    assert Order.objects.get(pk=order.pk).status == "paid" and not log_of(order)
    assert admin_client.post(move_url(order, "explode")).status_code == 404


def test_refund_asks_first_then_refunds_through_the_payment_service(admin_client):
    payment = FakePayment()
    with registry.override("payments", payment):
        charge_id = payment.charge(Money(Decimal("48.97"), "USD"), VISA, idempotency_key="k")
        order = make_order("shipped", charge_id=charge_id)

        page = move(admin_client, order, "refund")
        assert "goes back to the customer" in page and 'name="confirm" value="yes"' in page
        assert Order.objects.get(pk=order.pk).status == "shipped"
        assert not payment.charges[0].refunded

        page = move(admin_client, order, "refund", confirm="yes")
    assert "Refunded." in page and Order.objects.get(pk=order.pk).status == "refunded"
    assert payment.charges[0].refunded and log_of(order) == [("admin", "Refunded.")]


def test_cancel_of_an_interrupted_checkout_voids_its_charge(admin_client):
    payment = FakePayment()
    with registry.override("payments", payment):
        charge_id = payment.charge(Money(Decimal("48.97"), "USD"), VISA, idempotency_key="k")
        order = make_order("pending", days_ago=1, charge_id=charge_id)
        page = move(admin_client, order, "cancel", confirm="yes")
    assert "Cancelled." in page and Order.objects.get(pk=order.pk).status == "cancelled"
    assert payment.voids == [charge_id] and log_of(order) == [("admin", "Cancelled.")]


def test_resend_sends_the_confirmation_again(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    order = make_order("delivered")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            page = move(admin_client, order, "resend")
        assert "Confirmation e-mail sent again." in page
    assert len(mailoutbox) == 2 and mailoutbox[0].to == ["ada@example.com"]
    assert str(order.pk) in mailoutbox[1].subject
    assert log_of(order) == [("admin", "Confirmation e-mail sent again.")] * 2


def test_the_list_actions_are_recorded_too(admin_client):
    order = make_order("paid")
    admin_client.post(ORDERS, {"action": "mark_shipped", "_selected_action": [str(order.pk)]})
    assert log_of(order) == [("admin", "Marked shipped.")]


def test_the_page_shows_subtotal_shipping_and_total(admin_client):
    order = make_order(lines=(("OLJCESPC7Z", "Sunglasses", 2, "19.99"), ("6E92ZMYYFZ", "Mug", 1,
                                                                         "8.99")))  # fmt: skip
    page = page_of(admin_client, order)
    for field, amount in [("subtotal", "48.97"), ("shipping_amount", "8.99"),
                          ("total_amount", "57.96")]:  # fmt: skip
        shown = Money(Decimal(amount), "USD").format()
        assert re.search(rf'field-{field}.*?<div class="readonly">{re.escape(shown)}</div>', page,
                         flags=re.S), field  # fmt: skip


def sections(page: str) -> list[str]:
    return re.findall(r'<h2[^>]*class="fieldset-heading"[^>]*>([^<]+)</h2>', page)


def test_only_sections_with_something_in_them(admin_client):
    failed = make_order("failed", failure_kind="declined", failure_reason="Your card was declined.")
    assert sections(page_of(admin_client, failed)) == ["Address", "Money", "Failure"]
    paid = make_order("paid", charge_id="c-1", tracking_id="AB-1-2")
    assert sections(page_of(admin_client, paid)) == ["Address", "Money", "Fulfilment"]
    page = page_of(admin_client, paid)
    assert "field-charge" in page and "field-emails" in page
    assert "field-charge" not in page_of(admin_client, failed)
