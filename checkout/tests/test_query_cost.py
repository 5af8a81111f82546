"""What one checkout costs the database: a fixed, small number of queries (the follow-up tasks,
the e-mail and what recommendations learn, run later on a worker and are not counted)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.services import demo_catalog_load
from currency.services import rates_load_initial
from testing.fixtures import FORM
from testing.round_trips import round_trips

# Counted on the second checkout (the first fills the per-process memos: rates, products and
# the shipping rate). What remains: claiming the cart (checkout/claims.py: the two lock rows in
# one upsert, then one query ranking a dead checkout, the key's order, one in flight and one that
# bought the cart) (2), the pending order and its lines (2), the charge (2: its insert, then the
# voided-key check), the shipment (1), marking it paid with its charge id in one conditional
# UPDATE (1: the order and its lines are still in memory), the cart emptied (1); the sales ledger
# (checkout/sales.py) in the same transactions as the order (the recorded order 2, the paid mark
# 4). The same on PostgreSQL.
CHECKOUT_QUERIES = 15


# Transactions of a checkout: the claim's and the paid mark's (with its sales). The charge and
# the shipment are one statement each, in autocommit (no BEGIN and COMMIT of their own).
CHECKOUT_TRANSACTIONS = 2


def checkout(client: Client, email: str, *, queries_seen: list | None = None) -> int:
    for product_id, quantity in (("OLJCESPC7Z", "1"), ("66VCHSJNUP", "2")):
        client.post("/cart", {"product_id": product_id, "quantity": quantity})
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/cart/checkout", {**FORM, "email": email})
    assert response.status_code == 200, response.content.decode()[:2000]
    # Savepoints aside: the test's own transaction turns each transaction into one.
    statements = [query["sql"] for query in queries.captured_queries]
    if queries_seen is not None:
        queries_seen[:] = statements
    return sum(not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) for sql in statements)


def test_a_checkout_costs_a_fixed_small_number_of_queries(db, use_redis):
    # Sessions and carts on Redis, as in production: the queries counted are the checkout's.
    assert second_checkout_statements() <= CHECKOUT_QUERIES


@pytest.mark.postgres
def test_a_checkout_costs_as_many_on_postgresql(db, use_redis):
    assert second_checkout_statements() <= CHECKOUT_QUERIES


@pytest.mark.django_db(transaction=True)
def test_a_checkout_opens_two_transactions(use_redis):
    # Outside a test's transaction, so that each transaction shows its BEGIN. Counted up to the
    # paid mark: the tasks queued when it commits run at once here (eagerly), not in checkout.
    statements = []
    second_checkout_statements(queries_seen=statements)
    paid = next(i for i, sql in enumerate(statements) if "SET \"status\" = 'paid'" in sql)
    assert sum(sql.startswith("BEGIN") for sql in statements[:paid]) == CHECKOUT_TRANSACTIONS


def second_checkout_statements(**seen) -> int:
    demo_catalog_load()
    rates_load_initial()
    shopper = Client()
    shopper.cookies["shop_currency"] = "EUR"
    checkout(shopper, "first@example.com")
    return checkout(shopper, "second@example.com", **seen)


# Round trips to PostgreSQL of a checkout (the fourth), the tasks it queues not run (a worker's):
# the claim's transaction 5 (BEGIN; the two locks with the query that needs them; the order with
# its cart's row; the cart's day count with the lines, answered as the statements sent together
# end; COMMIT), the charge 2, the shipment 1, the paid mark's transaction 4 (BEGIN; the UPDATE
# with the day's sales, its products and the cart's paid day; the cart's day count; COMMIT), the
# cart emptied 1. One round trip per statement, before shop.statements.sent_together: 19.
CHECKOUT_ROUND_TRIPS = 13


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_checkout_sends_its_transactions_statements_together(use_redis, monkeypatch):
    for queued in ("enqueue", "enqueue_after_response"):  # tasks run eagerly here: not counted
        monkeypatch.setattr(f"checkout.services.{queued}", lambda *args, **kwargs: None)
    demo_catalog_load()
    rates_load_initial()
    # Each a new shopper, as most checkouts are: the first fills the memos, the third prepares
    # the statements (psycopg prepares one on its third run: outside a pipeline, a round trip
    # of its own).
    for email in ("first@example.com", "second@example.com", "third@example.com"):
        checkout(_euro_shopper(), email)
    shopper = _euro_shopper()
    for product_id, quantity in (("OLJCESPC7Z", "1"), ("66VCHSJNUP", "2")):
        shopper.post("/cart", {"product_id": product_id, "quantity": quantity})
    with round_trips(connection) as trips:
        response = shopper.post("/cart/checkout", {**FORM, "email": "fourth@example.com"})
    assert response.status_code == 200
    assert trips.count == CHECKOUT_ROUND_TRIPS, "\n".join(trips.messages)


def _euro_shopper() -> Client:
    shopper = Client()
    shopper.cookies["shop_currency"] = "EUR"
    return shopper
