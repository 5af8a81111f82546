"""The order list in the admin: purchases by default, declined card attempts apart; and its CSV
export, which holds exactly the orders the list shows for the same filters."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

import pytest

from checkout.models import Order
from checkout.services import order_place
from shop.errors import Declined

from .orders import make_order

pytestmark = pytest.mark.django_db

ORDERS = "/admin/checkout/order/"
EXPORT = f"{ORDERS}export.csv"
DECLINED_CARD = "4000000000000002"  # the simulated bank refuses it (testing/fakes.py)


def listed(admin_client, query: str = "") -> set[str]:
    page = admin_client.get(f"{ORDERS}{query}").content.decode()
    return set(re.findall(r"/admin/checkout/order/([0-9a-f-]{36})/change/", page))


def exported(admin_client, query: str = "") -> list[dict[str, str]]:
    response = admin_client.get(f"{EXPORT}{query}")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def declined_attempt(fakes, address, card):
    """A checkout whose card the bank refused, recorded as checkout really records it."""
    fakes.cart.add_item("visitor-2", "OLJCESPC7Z", 1)
    refused = replace(card, number=DECLINED_CARD)
    with pytest.raises(Declined):
        order_place(user_id="visitor-2", user_currency="USD", address=address,
                    email="eve@example.com", credit_card=refused)  # fmt: skip
    return Order.objects.get(email="eve@example.com")


def test_the_list_shows_purchases_and_keeps_declined_attempts_apart(admin_client, declined_attempt):
    paid = make_order("paid")
    # A checkout that failed after the charge (voided) is not a declined card: staff see it.
    broken = make_order("failed", charge_id="c-1", failure_kind="unavailable")
    assert declined_attempt.status == "failed" and declined_attempt.charge_id == ""

    assert listed(admin_client) == {str(paid.pk), str(broken.pk)}
    assert listed(admin_client, "?kind=declined") == {str(declined_attempt.pk)}
    everything = {str(order.pk) for order in (paid, broken, declined_attempt)}
    assert listed(admin_client, "?kind=all") == everything
    page = admin_client.get(ORDERS).content.decode()
    assert "Purchases" in page and 'href="?kind=declined"' in page
    assert listed(admin_client, "?_facets=True") == {str(paid.pk), str(broken.pk)}


def test_the_export_has_the_orders_the_list_shows(admin_client, declined_attempt):
    euro = make_order("paid", currency="EUR", lines=(("9SIQT8TOJO", "Jar", 3, "4.86"),),
                      shipping="7.95", tracking_id="AB-1-2")  # fmt: skip
    make_order("shipped")
    make_order("paid", email="bob@example.com")

    rows = exported(admin_client)
    assert len(rows) == 3 and declined_attempt.email not in {row["email"] for row in rows}
    assert [row["order id"] for row in exported(admin_client, "?currency__exact=EUR")] == [
        str(euro.pk)
    ]
    assert {row["email"] for row in exported(admin_client, "?q=Bob@Example.com")} == {
        "bob@example.com"
    }
    assert [row["status"] for row in exported(admin_client, "?kind=declined")] == ["failed"]
    (row,) = exported(admin_client, "?currency__exact=EUR&status__exact=paid")
    assert row == {
        "order id": str(euro.pk), "created (UTC)": row["created (UTC)"], "status": "paid",
        "email": "ada@example.com", "city": "Springfield", "country": "United States",
        "currency": "EUR", "items": "3", "subtotal": "14.58", "shipping": "7.95",
        "total": "22.53", "tracking id": "AB-1-2", "charge id": "", "failure reason": "",
    }  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["created (UTC)"])


def test_the_list_links_its_export_with_its_filters(admin_client):
    make_order("paid")
    page = admin_client.get(f"{ORDERS}?currency__exact=USD&status__exact=paid").content.decode()
    assert f'href="{EXPORT}?currency__exact=USD&amp;status__exact=paid"' in page
    assert admin_client.get(f"{EXPORT}?bogus=1")["Location"] == f"{ORDERS}?e=1"


def test_the_export_never_holds_card_data_and_defuses_formulas(admin_client, fakes, address, card):
    fakes.cart.add_item("visitor-3", "OLJCESPC7Z", 1)
    order_place(user_id="visitor-3", user_currency="USD", address=address,
                email="=1+2@example.com", credit_card=card)  # fmt: skip
    response = admin_client.get(EXPORT)
    text = b"".join(response.streaming_content).decode()
    # The last four digits and the CVV as a value of their own ("•••• 0454"), not inside an id
    # or a tracking number, where three or four given digits turn up by chance.
    words = set(re.findall(r"[0-9A-Za-z]+", text))
    assert card.number not in text and card.number[-4:] not in words and card.cvv not in words
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["email"] == "'=1+2@example.com" and row["charge id"]


def test_the_export_is_for_staff_who_may_see_orders(client, django_user_model):
    assert client.get(EXPORT).status_code == 302  # to the admin login
    clerk = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(clerk)
    assert client.get(EXPORT).status_code == 403
