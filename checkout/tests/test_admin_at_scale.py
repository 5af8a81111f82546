"""The staff order list and the orders API cost the same at any number of orders: exact-match
searches an index serves, a count that stops at COUNT_EXACTLY_UP_TO, filters without a
`SELECT DISTINCT` over the orders, API pages by cursor (benchmarks/staff.py measures them at a
million)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout.api import OrderPagination
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


def counts_of(admin_client, query: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(f"{ORDERS}{query}").status_code == 200
    return [q["sql"].upper() for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_status_filtered_count_reads_only_what_the_status_index_holds(admin_client):
    make_order("refunded")
    make_order("failed", failure_kind="declined")
    [count] = counts_of(admin_client, "?status__exact=refunded")
    # Neither the list's ordering nor the kind filter's test of columns the index lacks: the
    # count is an index-only scan of order_status_created (test_admin_plans_postgres.py).
    assert "ORDER BY" not in count
    assert "FAILURE_KIND" not in count and "CHARGE_ID" not in count


def test_a_failed_status_still_keeps_declined_attempts_apart(admin_client):
    declined = make_order("failed", failure_kind="declined")
    voided = make_order("failed", charge_id="c-1", failure_kind="unavailable")
    refunded = make_order("refunded")
    assert listed(admin_client, "?status__exact=failed") == {str(voided.pk)}
    both = {str(voided.pk), str(refunded.pk)}
    assert listed(admin_client, "?status__exact=refunded&status__exact=failed") == both
    assert listed(admin_client, "?status__exact=failed&status__exact=refunded") == both
    assert listed(admin_client, "?status__exact=failed&kind=declined") == {str(declined.pk)}


def test_the_orders_api_walks_every_order_once_while_orders_arrive(admin_client, monkeypatch):
    monkeypatch.setattr(OrderPagination, "page_size", 2)
    earlier = {str(make_order("paid").pk) for _ in range(5)}
    seen: list[str] = []
    page = "/api/v1/orders/"
    while page:
        with CaptureQueriesContext(connection) as queries:
            body = admin_client.get(page).json()
        seen += [order["id"] for order in body["results"]]
        assert "count" not in body
        assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
        assert not [q for q in queries if "OFFSET" in q["sql"].upper()]
        make_order("paid")  # newer than every order listed: it shifts no page
        page = body["next"]
    assert len(seen) == len(set(seen)) and set(seen) == earlier


def test_a_tampered_cursor_is_a_404(admin_client):
    response = admin_client.get("/api/v1/orders/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404
