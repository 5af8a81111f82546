"""The books a chaos run checks after each fault, once the shop has recovered and the worker
has drained its queue: read straight from the shop's tables and the SMTP server's count.

- every captured charge belongs to exactly one order, that order is paid and has exactly one
  shipment (the one its tracking id names), and nothing is left half-done (a pending order or
  a charge still pending at the processor);
- every failed order's charges are voided, refunded or declined, and its shipment, if it got
  one, is cancelled;
- every paid order got exactly one confirmation e-mail, and no other order got any;
- every cart written before a fault still holds what was put in it (Redis keeps an append-only
  file).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import psycopg
import requests

SOLD = {"paid", "shipped", "delivered"}
UNDONE_CHARGE = {"voided", "refunded", "declined"}
SHIPMENT_CANCELLED = "cancelled"
SETTLE_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class SentinelCart:
    """A cart written through the REST API before a fault, to be found intact after it."""

    id: str
    items: tuple[tuple[str, int], ...]

    @classmethod
    def create(cls, url: str, product_id: str, quantity: int) -> SentinelCart:
        api = f"{url}/api/v1/carts/"
        cart = requests.post(api, timeout=30)
        cart.raise_for_status()
        cart_id = cart.json()["id"]
        added = requests.post(f"{api}{cart_id}/items/", timeout=30,
                              json={"product_id": product_id, "quantity": quantity})  # fmt: skip
        added.raise_for_status()
        return cls(cart_id, ((product_id, quantity),))

    def problem(self, url: str) -> str | None:
        try:
            answer = requests.get(f"{url}/api/v1/carts/{self.id}/", timeout=30)
        except requests.RequestException as error:
            return f"cart {self.id} unreadable: {type(error).__name__}"
        if answer.status_code != 200:
            return f"cart {self.id} unreadable: {answer.status_code}"
        items = tuple((item["product_id"], item["quantity"]) for item in answer.json()["items"])
        if items != self.items:
            return f"cart {self.id} lost: holds {items}, not {self.items}"
        return None


def book_problems(database_url: str, emails_per_order: dict[str, int]) -> list[str]:
    """Everything in the books that does not balance, one sentence each (empty: balanced)."""
    with psycopg.connect(database_url, connect_timeout=10) as connection:
        charges = connection.execute(
            "SELECT id::text, status, coalesce(idempotency_key, '') FROM payments_charge"
            " ORDER BY created"
        ).fetchall()
        orders = connection.execute(
            "SELECT id::text, status, charge_id, tracking_id FROM checkout_order"
            " ORDER BY created_at"
        ).fetchall()
        shipments = connection.execute(
            "SELECT reference, tracking_id, status FROM shipping_shipment ORDER BY created"
        ).fetchall()
    status_of = {order_id: status for order_id, status, _charge, _tracking in orders}
    tracking_of = {order_id: tracking for order_id, _status, _charge, tracking in orders}
    # A charge belongs to an order through the order's charge_id or its idempotency key (the
    # order id): the second still links them when the order never recorded the charge.
    owners: dict[str, set[str]] = defaultdict(set)
    charges_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for order_id, _status, charge_id, _tracking in orders:
        if charge_id:
            owners[charge_id].add(order_id)
    for charge_id, status, key in charges:
        if key in status_of:
            owners[charge_id].add(key)
        for order_id in owners[charge_id]:
            charges_of[order_id].append((charge_id, status))
    shipments_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for reference, tracking, status in shipments:
        shipments_of[reference or ""].append((tracking, status))

    problems = []
    for charge_id, status, _key in charges:
        if status == "pending":
            problems.append(f"charge {charge_id} still pending at the processor")
        if status != "captured":
            continue
        sold = sorted(o for o in owners[charge_id] if status_of[o] in SOLD)
        if len(owners[charge_id]) != 1 or len(sold) != 1:
            statuses = sorted(status_of[o] for o in owners[charge_id]) or ["no order"]
            problems.append(f"captured charge {charge_id} belongs to: {', '.join(statuses)}")
    for order_id, status, _charge, _tracking in orders:
        live = [s for s in shipments_of[order_id] if s[1] != SHIPMENT_CANCELLED]
        emails = emails_per_order.get(order_id, 0)
        if status == "pending":
            problems.append(f"order {order_id} still pending")
        elif status in SOLD:
            if not any(charge_status == "captured" for _, charge_status in charges_of[order_id]):
                problems.append(f"paid order {order_id} has no captured charge")
            if [tracking for tracking, _ in live] != [tracking_of[order_id]]:
                problems.append(f"paid order {order_id} has {len(live)} shipments, not its one")
            if emails != 1:
                problems.append(f"paid order {order_id} got {emails} e-mails, not 1")
        else:
            kept = [c for c, charge_status in charges_of[order_id] if charge_status not in
                    UNDONE_CHARGE]  # fmt: skip
            if kept:
                problems.append(f"{status} order {order_id} kept its charge {', '.join(kept)}")
            if live:
                problems.append(f"{status} order {order_id} has a shipment not cancelled")
            if emails:
                problems.append(f"{status} order {order_id} was confirmed by e-mail")
    problems += [
        f"{count} e-mails for {order_id}, which is no order"
        for order_id, count in emails_per_order.items()
        if order_id not in status_of
    ]
    return problems


def settle(
    database_url: str,
    emails_per_order,
    url: str,
    carts: list[SentinelCart],
    *,
    timeout: float,
    known: frozenset[str] = frozenset(),
) -> list[str]:
    """Reads the books until they balance, or until all that does not balance was `known`
    already (an earlier fault's, counted there), or `timeout` runs out (a worker draining its
    queue, a sweep resolving an interrupted order); returns what still does not balance."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            problems = book_problems(database_url, emails_per_order())
        except psycopg.Error as error:
            problems = [f"the database is unreadable: {error}"]
        problems += [p for cart in carts if (p := cart.problem(url))]
        if set(problems) <= known or time.monotonic() > deadline:
            return problems
        time.sleep(SETTLE_POLL_SECONDS)
