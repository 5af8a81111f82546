"""The staff order list and the orders API cost the same at any number of orders: exact-match
searches an index serves, a count that stops at COUNT_EXACTLY_UP_TO, filters without a
`SELECT DISTINCT` over the orders (benchmarks/staff.py measures them at a million)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import counting

from .orders import make_order

pytestmark = pytest.mark.django_db

ORDERS = "/admin/checkout/order/"


def listed(admin_client, query: str = "") -> set[str]:
    response = admin_client.get(f"{ORDERS}{query}")
    assert response.status_code == 200
    return {str(order.pk) for order in response.context["cl"].result_list}


def test_staff_find_an_order_by_its_id_email_tracking_or_charge_id(admin_client):
    order = make_order("shipped", email="Ada@Example.com", tracking_id="TRK-1", charge_id="ch_9")
    make_order("paid", email="bob@example.com")
    found = {str(order.pk)}
    assert listed(admin_client, f"?q={order.pk}") == found
    assert listed(admin_client, "?q=ada%40example.COM") == found
    assert listed(admin_client, "?q=TRK-1") == found
    assert listed(admin_client, "?q=ch_9") == found
    # Exact matches only: a part of an address would need a scan of every order.
    assert listed(admin_client, "?q=ada") == set()


def test_the_list_counts_exactly_only_up_to_the_bound(admin_client, monkeypatch):
    monkeypatch.setattr(counting, "COUNT_EXACTLY_UP_TO", 2)
    for _ in range(4):
        make_order("paid")
    changelist = admin_client.get(ORDERS).context["cl"]
    assert changelist.result_count == 3  # "more than 2"
    assert len(changelist.result_list) == 4


def test_the_list_reads_no_distinct_values_and_counts_within_the_bound(admin_client, rates):
    make_order("paid", currency="EUR")
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(f"{ORDERS}?status__exact=paid")
    assert page.status_code == 200
    sql = [query["sql"].upper() for query in queries]
    assert not [statement for statement in sql if "DISTINCT" in statement]
    counts = [statement for statement in sql if "COUNT(" in statement]
    assert counts and all("LIMIT" in statement for statement in counts)
    # The currency filter offers the currencies the shop sells in, without asking the orders.
    assert "?currency__exact=JPY" in page.content.decode()


def test_the_orders_api_counts_within_the_bound(admin_client, monkeypatch):
    monkeypatch.setattr(counting, "COUNT_EXACTLY_UP_TO", 2)
    for _ in range(2):
        make_order("paid")
    assert admin_client.get("/api/v1/orders/").json()["count"] == 2
    make_order("paid")
    with CaptureQueriesContext(connection) as queries:
        body = admin_client.get("/api/v1/orders/").json()
    # Unfiltered, beyond the bound: SQLite has no estimate and says what it counted.
    assert body["count"] == 3 and len(body["results"]) == 3
    assert all("LIMIT" in q["sql"].upper() for q in queries if "COUNT(" in q["sql"].upper())
