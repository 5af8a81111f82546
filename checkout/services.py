"""Placing an order, the checkout service's main operation (reads are in selectors.py, a
submission's validation and fingerprint in submissions.py, staff actions in transitions.py, the
post-order work in post_order.py and recovery.py).

`order_place` follows the original's steps through the service clients only (so each service may
run in-process or behind gRPC), but never takes money without a recorded order, voids the charge
when a later step fails, and places at most one order per submission however often it arrives,
and one at a time per cart however its submissions differ (checkout/claims.py).
"""

from __future__ import annotations

import copy
import json
import logging
import time
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone

from cart.client import cart_client
from catalog.client import catalog_client
from currency.client import currency_client
from payments.client import payment_client
from shipping.client import shipping_client
from shop import dto
from shop.addresses import address_strip
from shop.errors import (
    Concurrent,
    Conflict,
    Declined,
    InvalidArgument,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    ShopError,
)
from shop.money import Money
from shop.observability.metrics import CARTS_CONVERTED, ORDERS_FAILED, ORDERS_PLACED, REVENUE
from shop.pricing import PricedCart, cart_priced
from shop.statements import row_update, row_update_sent, sent_together
from shop.tasks import enqueue, running_eagerly

from .claims import (
    RETRY_AFTER_SECONDS,
    CheckoutStale,
    keyed_orders,
    latest_order,
    order_claim,
    stale_checkouts,
)
from .compensation import order_compensate
from .errors import (
    CartEmpty,
    CheckoutInProgress,
    CheckoutInterrupted,
    IdempotencyKeyReused,
    InvalidTransition,
)
from .models import Order
from .recovery import order_pending_recover
from .selectors import order_address, order_get, order_result
from .submissions import sha256_hex, submission_fingerprint, submission_validate
from .transitions import transition_apply

logger = logging.getLogger(__name__)

# Identical submissions (same visitor, cart, address, e-mail, card) within this window are one
# checkout while their order has not emptied the cart; once it has, a repeat that finds the cart
# empty is shown that order, and a refilled cart is a new purchase.
REPLAY_WINDOW = timedelta(minutes=10)
# How long a duplicate submit waits for the first one to finish before answering "in progress"
# (with a Retry-After): short, so that resubmits never hold request threads for long.
IN_FLIGHT_WAIT_SECONDS = 2.0
# The post-order work (checkout/tasks.py), queued by this name once an order is paid. The name is
# the one the task always had, so messages already queued still find it.
ORDER_COMPLETED_TASK = "checkout.tasks.order_completed"
# Resolves an order its checkout left pending (checkout/tasks.py), queued with RECOVERY_AFTER.
ORDER_RECOVER_TASK = "checkout.tasks.order_recover"
# Far longer than a checkout runs (its charge and shipment calls, each within its deadline), so
# the recovery finds only orders whose process died.
RECOVERY_AFTER = timedelta(seconds=60)
PAYMENT_UNFINISHED = "The payment service could not finish your payment just now."

# A failed order remembers the kind of its error, so a duplicate submit that waited for it gets
# the same answer as the submit that ran it.
_ERROR_BY_KIND: dict[str, type[ShopError]] = {
    "invalid": InvalidArgument,
    "not_found": NotFound,
    "conflict": Conflict,
    "precondition": PreconditionFailed,
    "declined": Declined,
    "unavailable": ServiceUnavailable,
}


def order_place(**submission: object) -> dto.OrderResult:
    """order_placed (same arguments), answered as the original's OrderResult."""
    return order_result(order_placed(**submission))


def order_placed(
    *,
    user_id: str,
    user_currency: str,
    address: dto.Address,
    email: str,
    credit_card: dto.CreditCard,
    idempotency_key: str | None = None,
) -> Order:
    """Places the cart's order, or returns the order this same submission already placed.
    One cart makes at most one order at a time: a submission that differs in anything is
    refused while another checkout of the cart is in flight or has just bought it
    (checkout/claims.py).

    idempotency_key: the client's own key (REST `Idempotency-Key`); replaying it with the same
    request returns the same order at any later time, with another request is a Conflict.
    Without one, the key is derived from the submission and the cart, and identical submissions
    within REPLAY_WINDOW are one checkout.
    """
    submission_validate(
        user_id=user_id,
        currency=user_currency,
        address=address,
        email=email,
        credit_card=credit_card,
    )
    # Judged without surrounding spaces (shop.addresses), so stored and fingerprinted so too.
    address = address_strip(address=address)
    fingerprint = submission_fingerprint(user_id, user_currency, address, email, credit_card)
    # An order of this cart that empties it after this instant bought what is read here.
    cart_read_at = timezone.now()
    cart = cart_client().get_cart(user_id)
    if not cart.items:
        return _settled(_replayed(user_id=user_id, key=idempotency_key, fingerprint=fingerprint))
    if idempotency_key:
        key, window = sha256_hex(f"client-key\n{idempotency_key}"), None
    else:
        items = sorted((item.product_id, item.quantity) for item in cart.items)
        key, window = sha256_hex(f"{fingerprint}\n{json.dumps(items)}"), REPLAY_WINDOW
    try:
        priced = _price(cart=cart, currency=user_currency, address=address)
    except ShopError:
        # A replay is answered with its order even when the cart can no longer be priced (a
        # product withdrawn, a service down); once priced, the claim's own query finds it.
        _stale_recover(user_id)
        existing = latest_order(keyed_orders(key, derived=not idempotency_key), window)
        if existing is None:
            raise
        order, created = existing, False
    else:
        order, created = _claim(
            key=key,
            derived=not idempotency_key,
            window=window,
            replay_window=REPLAY_WINDOW,
            cart_read_at=cart_read_at,
            fingerprint=fingerprint,
            user_id=user_id,
            email=email,
            address=address,
            priced=priced,
        )
    if order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if not created:
        return _settled(order)
    return _order_complete(order=order, cart=cart, card=credit_card)


def _replayed(*, user_id: str, key: str | None, fingerprint: str) -> Order:
    """What a submission that finds the cart empty answers for: the order of its client key
    (any time), or of this same submission, which emptied the cart (within REPLAY_WINDOW)."""
    _stale_recover(user_id)
    if key:
        order = latest_order(keyed_orders(sha256_hex(f"client-key\n{key}"), derived=False), None)
    else:
        orders = Order.objects.filter(user_id=user_id, request_fingerprint=fingerprint)
        order = latest_order(orders, REPLAY_WINDOW)
    if order is None:
        raise CartEmpty()
    if order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return order


def _claim(**claim: object) -> tuple[Order, bool]:
    """order_claim; a dead checkout holding the cart is recovered first, then claimed again."""
    try:
        return order_claim(stale_after=RECOVERY_AFTER, **claim)
    except CheckoutStale as stale:
        # It holds the cart until its recovery task runs; the embedded shop has no worker to run
        # it, so this submission recovers it (idempotent, as the task). Should it still be pending
        # at the second claim, that claim answers "in progress" (CheckoutStale is one).
        order_pending_recover(order_id=stale.order_id)
    return order_claim(stale_after=RECOVERY_AFTER, **claim)


def _stale_recover(user_id: str) -> None:
    """Recovers the cart's dead checkout, if any, before an order is looked up without a claim
    (which would otherwise wait on it as if it were running)."""
    for order_id in stale_checkouts(user_id=user_id, older_than=RECOVERY_AFTER):
        order_pending_recover(order_id=order_id)


def _price(*, cart: dto.Cart, currency: str, address: dto.Address) -> PricedCart:
    """The cart priced by the one rule the cart page shows (shop.pricing), so the customer is
    charged exactly what was shown; a product no longer sold stops the checkout."""
    catalog = catalog_client()
    products = catalog.get_products([item.product_id for item in cart.items])
    for item in cart.items:
        if item.product_id not in products:
            catalog.get_product(item.product_id)  # the catalog's own error says why
    quote_usd = shipping_client().get_quote(address, cart.items)
    return cart_priced(
        cart.items,
        currency,
        products=products,
        convert=currency_client().convert,
        shipping_usd=quote_usd,
    )


def _order_complete(*, order: Order, cart: dto.Cart, card: dto.CreditCard) -> Order:
    """Charge, ship, mark paid; compensate (void, cancel the shipment) when anything after the
    charge fails. No database transaction is open during the network calls."""
    order_id = str(order.id)
    address = order_address(order)
    _recovery_schedule(order_id)
    try:
        charge_id = payment_client().charge(
            Money(order.total, order.currency), card, idempotency_key=order_id
        )
    except Exception as exc:
        # A refusal took no money; after no answer (or a crash), or while an earlier attempt
        # under the same key (a retried call) is still at the processor, a charge may have been
        # made: this checkout gives up on it, and the customer hears of a payment not finished.
        unknown = not isinstance(exc, ShopError) or exc.kind in ("unavailable", "concurrent")
        shown = ServiceUnavailable(PAYMENT_UNFINISHED) if isinstance(exc, Concurrent) else exc
        raise _order_fail(order=order, error=shown, charge_unknown=unknown) from exc
    tracking_id = None
    try:
        # The charge id is written with the paid mark, not before shipping: an order that dies
        # pending in between is compensated by its recovery, which voids by the order id (the
        # charge's idempotency key), so the id need not be durable earlier (one query less).
        tracking_id = shipping_client().ship_order(address, cart.items, reference=order_id)
        order = _order_mark_paid(order=order, charge_id=charge_id, tracking_id=tracking_id)
    except Exception as exc:
        # A refusal by the shipping service shipped nothing; after any other failure a shipment
        # may exist (a lost answer, or a failure after ShipOrder), so it is cancelled.
        refused = isinstance(exc, ShopError) and exc.kind != "unavailable"
        may_have_shipped = tracking_id is not None or not refused
        raise _order_fail(
            order=order, error=exc, charge_id=charge_id, cancel_shipment=may_have_shipped
        ) from exc
    try:
        cart_client().empty_cart(order.user_id)
    except ShopError:
        # The order is paid and shipped: it stands. The customer merely finds the items still
        # in the cart (and a resubmit within the window shows this same order).
        logger.warning("Order %s placed but its cart could not be emptied", order_id)
    else:
        _cart_emptied_record(order)
    # Its lines are those the claim wrote, kept in memory (for the sales ledger and the caller's
    # answer alike).
    return order


def _cart_emptied_record(order: Order) -> None:
    try:
        row_update(Order, order.pk, {"cart_emptied_at": timezone.now()})
    except DatabaseError:
        # The order is paid: it stands. Unrecorded, a resubmit within the replay window that
        # finds the cart empty is shown this same order all the same.
        logger.warning("Order %s placed but its emptied cart could not be recorded", order.pk)
    else:
        CARTS_CONVERTED.inc()


def _recovery_schedule(order_id: str) -> None:
    """Queues the recovery of this order for RECOVERY_AFTER from now: a worker then fails and
    compensates it if this process died before finishing it (the beat sweep is the backstop).
    Not in the embedded shop: its tasks run at once, and it has no other process to recover it."""
    if running_eagerly():
        return
    # A broker that is down does not stop the checkout: the task is published when it is back.
    enqueue(ORDER_RECOVER_TASK, order_id, countdown=RECOVERY_AFTER.total_seconds())


@transaction.atomic
@sent_together()
def _order_mark_paid(*, order: Order, charge_id: str, tracking_id: str) -> Order:
    """Marks the pending order paid in one conditional UPDATE (no read: the order and its lines
    are in memory since the claim), with its sales; InvalidTransition when the recovery or staff
    moved it first. The UPDATE's count is read after the sales' statements are sent, so all of
    them are answered in one round trip (shop.statements.sent_together: with BEGIN, the cart's
    day and COMMIT, four instead of seven); were it 0, raising rolls the sales back with it.
    (This UPDATE and the cart's emptied mark go through shop.statements.row_update: the same
    statements as QuerySet.update(), without composing a QuerySet on every checkout.)"""
    now = timezone.now()
    fields = {"charge_id": charge_id, "tracking_id": tracking_id, "updated_at": now}
    paid = row_update_sent(Order, order.pk, {"status": Order.Status.PAID, **fields},
                           status=Order.Status.PENDING)  # fmt: skip
    was = order.status
    transition_apply(order=order, to=Order.Status.PAID)  # its sales, in this same transaction
    if not paid.count():
        order.status = was
        raise InvalidTransition("This order is no longer pending, so it cannot become paid.")
    for name, value in fields.items():
        setattr(order, name, value)
    order_id = str(order.pk)
    transaction.on_commit(lambda: enqueue(ORDER_COMPLETED_TASK, order_id), robust=True)
    transaction.on_commit(lambda: _order_counted(order))
    return order


def _order_counted(order: Order) -> None:
    ORDERS_PLACED.inc()
    # Prometheus samples are floats: a figure for a graph, never an amount anyone is charged.
    REVENUE.labels(order.currency).inc(float(order.total))


def _order_fail(
    *,
    order: Order,
    error: Exception,
    charge_id: str | None = None,
    cancel_shipment: bool = False,
    charge_unknown: bool = False,
) -> ShopError:
    """Compensates what was done (compensation.py), records the failure, and returns the error
    to show, which says truthfully whether the customer was charged."""
    if isinstance(error, DatabaseError):
        # Nothing can be recorded or undone now; the order's recovery does both once the
        # database is back (it voids by the order id), and the customer hears exactly that.
        logger.warning("Checkout of order %s interrupted: database unavailable", order.id)
        return CheckoutInterrupted()
    if isinstance(error, ShopError):
        shown = error
    else:
        logger.exception("Checkout of order %s crashed", order.id)
        shown = ServiceUnavailable(
            "We could not complete your order because of a problem on our side. "
            "Please try again shortly."
        )
    if charge_id or charge_unknown:
        undone = order_compensate(
            order=order,
            charge_id=charge_id or "",
            cancel_shipment=cancel_shipment,
            charge_unknown=charge_unknown,
        )
        shown = _error_saying(shown, f"{shown.message} {undone.customer_message}")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != Order.Status.PENDING:
            # The recovery (failed) or staff (cancelled) got there first: their account stands.
            recorded = _ERROR_BY_KIND.get(locked.failure_kind, ServiceUnavailable)
            return recorded(locked.failure_reason or None)
        locked.failure_reason = shown.message
        locked.failure_kind = shown.kind
        # A charge made is recorded here (a pending order does not hold its charge id).
        locked.charge_id = charge_id or locked.charge_id
        transition_apply(order=locked, to=Order.Status.FAILED)
        fields = ["status", "failure_reason", "failure_kind", "charge_id", "updated_at"]
        locked.save(update_fields=fields)
        transaction.on_commit(lambda: ORDERS_FAILED.labels(shown.kind).inc())
    return shown


def _error_saying(error: ShopError, message: str) -> ShopError:
    """The same error (class, code, fields) with another message."""
    said = copy.copy(error)
    said.message = message
    said.args = (message,)
    return said


def _settled(order: Order) -> Order:
    """What a duplicate submit answers: the first submit's order once it is settled within
    IN_FLIGHT_WAIT_SECONDS, else "in progress" (the client asks again after Retry-After)."""
    deadline = time.monotonic() + IN_FLIGHT_WAIT_SECONDS
    while order.status == Order.Status.PENDING:
        if time.monotonic() >= deadline:
            raise CheckoutInProgress(order_id=str(order.pk), retry_after=RETRY_AFTER_SECONDS)
        time.sleep(0.1)
        order = order_get(order_id=str(order.pk))
    if order.status == Order.Status.FAILED:
        raise _ERROR_BY_KIND.get(order.failure_kind, ServiceUnavailable)(order.failure_reason)
    return order
