"""On PostgreSQL, the order list's status filter counts from the status index alone: the count
read every order it counted (4.6x slower at a million orders than at a thousand,
benchmarks/staff.py) when it kept the list's ordering and the kind filter's test of columns the
index does not hold."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def plan_nodes(plan: dict) -> list[dict]:
    return [plan, *(node for child in plan.get("Plans", []) for node in plan_nodes(child))]


def test_the_status_filtered_count_is_an_index_only_scan(admin_client):
    Order.objects.bulk_create(
        Order(user_id=f"visitor-{n}", email="ada@example.com", street_address="1 Main St",
              city="Springfield", country="United States", zip_code="62701", currency="USD",
              shipping_cost=0, total=1, idempotency_key=f"key-{n}",
              status=["paid", "refunded", "failed"][n % 3], failure_kind="declined")
        for n in range(300)
    )  # fmt: skip
    with connection.cursor() as cursor:
        # The visibility map and statistics autovacuum keeps (VACUUM cannot run in a transaction:
        # hence this test's transactional database).
        cursor.execute("VACUUM ANALYZE checkout_order")
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get("/admin/checkout/order/?status__exact=refunded").status_code == 200
    [count] = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    with connection.cursor() as cursor:
        # A table this small is read whole whatever its indexes: ask for what an index can do.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {count}")
        [[plan]] = cursor.fetchone()
        cursor.execute("RESET ALL")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    scans = [node for node in plan_nodes(plan["Plan"]) if "Scan" in node["Node Type"]]
    assert [(scan["Node Type"], scan.get("Index Name")) for scan in scans] == [
        ("Index Only Scan", "order_status_created")
    ]
    assert "Filter" not in scans[0]
