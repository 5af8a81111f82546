"""Operations of the checkout service: all its business rules live here.

`order_place` follows the original's steps through the service clients only (so each service may
run in-process or behind gRPC), but never takes money without a recorded order, voids the charge
when a later step fails, and places at most one order per submission however often it arrives.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cart.client import cart_client
from catalog.client import catalog_client
from currency.client import currency_client
from notifications.client import email_client
from payments.client import payment_client
from shipping.client import shipping_client
from shop import dto
from shop.errors import (
    Conflict,
    Declined,
    InvalidArgument,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    ShopError,
)
from shop.money import Money, money_sum

from .models import CheckoutLock, Order, OrderLine

logger = logging.getLogger(__name__)

# Identical submissions (same visitor, cart, address, e-mail, card) within this window are one
# checkout while their order has not emptied the cart; once it has, a repeat that finds the cart
# empty is shown that order, and a refilled cart is a new purchase.
REPLAY_WINDOW = timedelta(minutes=10)
# How long a duplicate submit waits for the first one to finish before answering "in progress".
IN_FLIGHT_WAIT_SECONDS = 30.0
# The recommendations service learns of each paid order through this task (by name).
PURCHASE_RECORDED_TASK = "recommendations.tasks.purchase_recorded"

TRANSITIONS: dict[str, set[str]] = {
    Order.Status.PENDING: {Order.Status.PAID, Order.Status.FAILED, Order.Status.CANCELLED},
    # A paid order has its charge and its shipment: giving the money back is a refund.
    Order.Status.PAID: {Order.Status.SHIPPED, Order.Status.REFUNDED},
    Order.Status.SHIPPED: {Order.Status.DELIVERED, Order.Status.REFUNDED},
    Order.Status.DELIVERED: {Order.Status.REFUNDED},
    Order.Status.FAILED: set(),
    Order.Status.CANCELLED: set(),
    Order.Status.REFUNDED: set(),
}
# A checkout's calls (charge, ship) each run under a deadline with bounded retries: an order
# pending for longer is no longer being worked on, and staff may cancel it without racing it.
CANCEL_PENDING_AFTER = timedelta(minutes=2)
SUCCEEDED = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)


class CartEmpty(PreconditionFailed):
    code = "cart_empty"
    default_message = "Your cart is empty: add something before checking out."


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_message = "There is no such order."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = (
        "This Idempotency-Key was already used for a different order request. "
        "Use a new key for a new order."
    )


class CheckoutInProgress(Conflict):
    code = "checkout_in_progress"
    default_message = (
        "Your order is still being processed. Please wait a moment and reload the page."
    )


class InvalidTransition(Conflict):
    code = "order_invalid_transition"


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


@dataclass(frozen=True)
class PricedLine:
    product_id: str
    name: str
    quantity: int
    unit_price: Money

    @property
    def cost(self) -> Money:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class PricedCart:
    lines: tuple[PricedLine, ...]
    shipping_cost: Money
    total: Money


# --- reads ------------------------------------------------------------------------------------


def order_get(*, order_id: str) -> Order:
    try:
        return Order.objects.prefetch_related("lines").get(pk=order_id)
    except (Order.DoesNotExist, ValidationError, ValueError) as exc:
        raise OrderNotFound() from exc


def order_get_for_customer(*, order_id: str, token: str) -> Order:
    """The order behind an access link; a wrong token looks exactly like an unknown order."""
    order = order_get(order_id=order_id)
    if not token or not secrets.compare_digest(order.access_token, str(token)):
        raise OrderNotFound()
    return order


def order_path(order: Order) -> str:
    """The customer's own link to the order page."""
    path = reverse("checkout:order-detail", kwargs={"order_id": order.id})
    return f"{path}?token={order.access_token}"


def order_url(order: Order) -> str:
    """The same link, absolute (for e-mails and API clients)."""
    return f"{settings.SITE_URL.rstrip('/')}{order_path(order)}"


def order_result(order: Order) -> dto.OrderResult:
    """The hipstershop OrderResult of an order: each item's cost is its unit price, as in the
    original."""
    return dto.OrderResult(
        order_id=str(order.id),
        shipping_tracking_id=order.tracking_id,
        shipping_cost=Money(order.shipping_cost, order.currency).rounded(),
        shipping_address=dto.Address(
            street_address=order.street_address,
            city=order.city,
            state=order.state,
            country=order.country,
            zip_code=order.zip_code,
        ),
        items=tuple(
            dto.OrderItem(
                item=dto.CartItem(product_id=line.product_id, quantity=line.quantity),
                cost=Money(line.unit_price, order.currency).rounded(),
            )
            for line in order.lines.all()
        ),
    )


# --- placing an order -------------------------------------------------------------------------


def order_place(
    *,
    user_id: str,
    user_currency: str,
    address: dto.Address,
    email: str,
    credit_card: dto.CreditCard,
    idempotency_key: str | None = None,
) -> dto.OrderResult:
    """Places the cart's order, or returns the order this same submission already placed.

    idempotency_key: the client's own key (REST `Idempotency-Key`); replaying it with the same
    request returns the same order at any later time, with another request is a Conflict.
    Without one, the key is derived from the submission and the cart, and identical submissions
    within REPLAY_WINDOW are one checkout.
    """
    _validate(user_id=user_id, address=address, email=email, credit_card=credit_card)
    fingerprint = _fingerprint(user_id, user_currency, address, email, credit_card)
    cart = cart_client().get_cart(user_id)

    if idempotency_key:
        key, window = _sha256(f"client-key\n{idempotency_key}"), None
    elif cart.items:
        items = sorted((item.product_id, item.quantity) for item in cart.items)
        key, window = _sha256(f"{fingerprint}\n{json.dumps(items)}"), REPLAY_WINDOW
    else:
        # A repeat of a submission that already succeeded (its order emptied the cart).
        earlier = _latest_order(
            Order.objects.filter(user_id=user_id, request_fingerprint=fingerprint), REPLAY_WINDOW
        )
        if earlier is None:
            raise CartEmpty()
        return _outcome(earlier)

    existing = _latest_order(_keyed(key, derived=not idempotency_key), window)
    if existing is None:
        if not cart.items:
            raise CartEmpty()
        priced = _price(cart=cart, currency=user_currency, address=address)
        order, created = _order_claim(
            key=key,
            derived=not idempotency_key,
            window=window,
            fingerprint=fingerprint,
            user_id=user_id,
            email=email,
            address=address,
            priced=priced,
        )
    else:
        order, created = existing, False
    if order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if not created:
        return _outcome(order)
    return _order_complete(order=order, cart=cart, card=credit_card)


def _validate(
    *, user_id: str, address: dto.Address, email: str, credit_card: dto.CreditCard
) -> None:
    fields: dict[str, list[str]] = {}
    if not user_id.strip():
        fields["user_id"] = ["The cart's user id is missing."]
    try:
        validate_email(email)
    except ValidationError:
        fields["email"] = ["Enter a valid e-mail address."]
    for name in ("street_address", "city", "country", "zip_code"):
        if not getattr(address, name).strip():
            fields[name] = ["This field is required."]
    limits = {"street_address": 200, "city": 100, "state": 100, "country": 100, "zip_code": 20}
    for name, limit in limits.items():
        if len(getattr(address, name)) > limit:
            fields[name] = [f"At most {limit} characters."]
    number = credit_card.number.replace(" ", "").replace("-", "")
    if not number.isdigit() or not 12 <= len(number) <= 19:
        fields["credit_card_number"] = ["Enter the 12 to 19 digits of the card number."]
    if not (credit_card.cvv.isdigit() and len(credit_card.cvv) in (3, 4)):
        fields["credit_card_cvv"] = ["Enter the 3 or 4 digit security code."]
    if not 1 <= credit_card.expiration_month <= 12:
        fields["credit_card_expiration_month"] = ["Enter a month from 1 to 12."]
    if not 2000 <= credit_card.expiration_year <= 2200:
        fields["credit_card_expiration_year"] = ["Enter a four-digit year."]
    if fields:
        raise InvalidArgument("Please correct the highlighted order details.", fields=fields)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fingerprint(
    user_id: str, currency: str, address: dto.Address, email: str, card: dto.CreditCard
) -> str:
    """What was submitted, minus the card number and CVV (never stored, not even hashed)."""
    submitted = {
        "user_id": user_id,
        "currency": currency,
        "email": email.strip().lower(),
        "address": [
            address.street_address,
            address.city,
            address.state,
            address.country,
            address.zip_code,
        ],  # fmt: skip
        "card": [card.last4, card.expiration_month, card.expiration_year],
    }
    return _sha256(json.dumps(submitted, sort_keys=True))


def _keyed(key: str, *, derived: bool):
    orders = Order.objects.filter(idempotency_key=key)
    return orders.filter(cart_emptied_at__isnull=True) if derived else orders


def _latest_order(orders, window: timedelta | None) -> Order | None:
    """The newest order that still answers for its key: failed attempts do not (the customer
    may try again once the cause is fixed); derived keys only within their window."""
    orders = orders.exclude(status=Order.Status.FAILED)
    if window is not None:
        orders = orders.filter(created_at__gte=timezone.now() - window)
    return orders.order_by("-created_at").first()


def _price(*, cart: dto.Cart, currency: str, address: dto.Address) -> PricedCart:
    """Shown prices: each unit price converted then rounded; totals are sums of shown prices."""
    catalog, currencies = catalog_client(), currency_client()
    lines = []
    for item in cart.items:
        product = catalog.get_product(item.product_id)
        unit_price = currencies.convert(product.price_usd, currency).rounded()
        lines.append(PricedLine(product.id, product.name, item.quantity, unit_price))
    quote_usd = shipping_client().get_quote(address, cart.items)
    shipping_cost = currencies.convert(quote_usd, currency).rounded()
    total = money_sum([line.cost for line in lines], currency) + shipping_cost
    return PricedCart(lines=tuple(lines), shipping_cost=shipping_cost, total=total)


@transaction.atomic
def _order_claim(
    *,
    key: str,
    derived: bool,
    window: timedelta | None,
    fingerprint: str,
    user_id: str,
    email: str,
    address: dto.Address,
    priced: PricedCart,
) -> tuple[Order, bool]:
    """In one short transaction holding the key's lock row: the order that already answers for
    the key, or a new pending one. Returns (order, created)."""
    CheckoutLock.objects.get_or_create(key=key)
    CheckoutLock.objects.select_for_update().get(key=key)
    existing = _latest_order(_keyed(key, derived=derived), window)
    if existing is not None:
        return existing, False
    order = Order.objects.create(
        user_id=user_id,
        email=email.strip(),
        street_address=address.street_address,
        city=address.city,
        state=address.state,
        country=address.country,
        zip_code=address.zip_code.strip(),
        currency=priced.total.currency,
        shipping_cost=priced.shipping_cost.amount,
        total=priced.total.amount,
        idempotency_key=key,
        request_fingerprint=fingerprint,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product_id=line.product_id,
            product_name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price.amount,
        )
        for line in priced.lines
    )
    return order, True


def _order_complete(*, order: Order, cart: dto.Cart, card: dto.CreditCard) -> dto.OrderResult:
    """Charge, ship, mark paid; compensate (void) when anything after the charge fails.
    No database transaction is open during the network calls."""
    order_id = str(order.id)
    address = order_result(order).shipping_address
    try:
        charge_id = payment_client().charge(
            Money(order.total, order.currency), card, idempotency_key=order_id
        )
    except Exception as exc:
        raise _order_fail(order=order, error=exc, charge_id=None) from exc
    Order.objects.filter(pk=order.pk).update(charge_id=charge_id, updated_at=timezone.now())
    try:
        tracking_id = shipping_client().ship_order(address, cart.items, reference=order_id)
        order = _order_mark_paid(order_id=order_id, tracking_id=tracking_id)
    except Exception as exc:
        raise _order_fail(order=order, error=exc, charge_id=charge_id) from exc
    try:
        cart_client().empty_cart(order.user_id)
    except ShopError:
        # The order is paid and shipped: it stands. The customer merely finds the items still
        # in the cart (and a resubmit within the window shows this same order).
        logger.warning("Order %s placed but its cart could not be emptied", order_id)
    else:
        Order.objects.filter(pk=order.pk).update(cart_emptied_at=timezone.now())
    return order_result(order)


@transaction.atomic
def _order_mark_paid(*, order_id: str, tracking_id: str) -> Order:
    order = Order.objects.select_for_update().get(pk=order_id)
    _transition(order, Order.Status.PAID)
    order.tracking_id = tracking_id
    order.save(update_fields=["status", "tracking_id", "updated_at"])
    from . import tasks  # tasks.py imports this module

    transaction.on_commit(lambda: tasks.order_completed.delay(order_id), robust=True)
    return order_get(order_id=order_id)


def _order_fail(*, order: Order, error: Exception, charge_id: str | None) -> ShopError:
    """Voids the charge (if any), records the failure, and returns the error to show."""
    if isinstance(error, ShopError):
        shown = error
    else:
        logger.exception("Checkout of order %s crashed", order.id)
        shown = ServiceUnavailable(
            "We could not complete your order because of a problem on our side. "
            "Your card has not been charged; please try again shortly."
        )
    reason = shown.message
    if charge_id and not _charge_void(order, charge_id):
        reason += f" The charge {charge_id} could NOT be voided: refund it by hand."
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        # The recovery sweep (failed) or staff (cancelled) may have got there first.
        if locked.status == Order.Status.PENDING:
            _transition(locked, Order.Status.FAILED)
            locked.failure_reason = reason
            locked.failure_kind = shown.kind
            locked.save(update_fields=["status", "failure_reason", "failure_kind", "updated_at"])
    return shown


def _charge_void(order: Order, charge_id: str) -> bool:
    try:
        payment_client().void(charge_id)
    except Exception:
        logger.exception("Order %s: voiding charge %s failed", order.id, charge_id)
        return False
    return True


def _outcome(order: Order) -> dto.OrderResult:
    """What a duplicate submit answers: the first submit's result once it has one."""
    deadline = time.monotonic() + IN_FLIGHT_WAIT_SECONDS
    while order.status == Order.Status.PENDING:
        if time.monotonic() >= deadline:
            raise CheckoutInProgress()
        time.sleep(0.05)
        order = order_get(order_id=str(order.pk))
    if order.status == Order.Status.FAILED:
        raise _ERROR_BY_KIND.get(order.failure_kind, ServiceUnavailable)(order.failure_reason)
    return order_result(order)


# --- after the order --------------------------------------------------------------------------


_NEXT_HINT = {
    Order.Status.PENDING: "it can only be cancelled",
    Order.Status.PAID: "it can be marked shipped or refunded",
    Order.Status.SHIPPED: "it can be marked delivered or refunded",
    Order.Status.DELIVERED: "it can only be refunded",
}


def _require_transition(order: Order, to: str) -> None:
    if to not in TRANSITIONS[order.status]:
        hint = _NEXT_HINT.get(order.status, "its status is final")
        raise InvalidTransition(f"This order is {order.status}, so it cannot become {to}: {hint}.")


def _transition(order: Order, to: str) -> None:
    _require_transition(order, to)
    order.status = to


def _order_locked(order_id: str) -> Order:
    try:
        order = Order.objects.select_for_update().filter(pk=order_id).first()
    except (ValidationError, ValueError):
        order = None
    if order is None:
        raise OrderNotFound()
    return order


@transaction.atomic
def order_transition(*, order_id: str, to: str) -> Order:
    """Staff moves an order along its life where no money moves: shipped, delivered.
    Cancelling and refunding move money; they are order_cancel and order_refund."""
    if to not in (Order.Status.SHIPPED, Order.Status.DELIVERED):
        raise InvalidTransition(f"An order cannot be set to {to} directly.")
    order = _order_locked(order_id)
    _transition(order, to)
    order.save(update_fields=["status", "updated_at"])
    return order


def order_cancel(*, order_id: str) -> Order:
    """Staff cancels an order whose checkout was interrupted (left pending). A charge it
    recorded is voided, so no money stays taken for a cancelled order."""
    with transaction.atomic():
        order = _order_locked(order_id)
        _transition(order, Order.Status.CANCELLED)
        if timezone.now() - order.updated_at < CANCEL_PENDING_AFTER:
            raise CheckoutInProgress(
                "This order's checkout may still be running: it can be cancelled once it has "
                f"been pending for {CANCEL_PENDING_AFTER.seconds // 60} minutes."
            )
        order.failure_reason = "Cancelled by staff."
        order.save(update_fields=["status", "failure_reason", "updated_at"])
    # Cancelled first, then voided (no lock held across the call): a checkout that wakes up
    # now can no longer mark the order paid.
    if order.charge_id and not _charge_void(order, order.charge_id):
        reason = f"Cancelled by staff. The charge {order.charge_id} could NOT be voided."
        Order.objects.filter(pk=order.pk).update(failure_reason=reason)
        raise ServiceUnavailable(
            f"The order is cancelled, but its charge {order.charge_id} could not be voided "
            "(the reason is in the log): refund the charge by hand."
        )
    return order


def order_refund(*, order_id: str) -> Order:
    """Staff gives the money of a paid, shipped or delivered order back, through the payment
    service (which refunds a refunded charge again without effect, so this may be retried)."""
    with transaction.atomic():
        order = _order_locked(order_id)
        _require_transition(order, Order.Status.REFUNDED)
        charge_id = order.charge_id
    if not charge_id:
        raise PreconditionFailed(
            "This order has no recorded charge, so there is nothing to refund."
        )
    payment_client().refund(charge_id)
    with transaction.atomic():
        order = _order_locked(order_id)
        if order.status != Order.Status.REFUNDED:  # a concurrent refund may have got there first
            _transition(order, Order.Status.REFUNDED)
            order.save(update_fields=["status", "updated_at"])
    return order


def order_completed_process(*, order_id: str) -> None:
    """The post-order work, run by a Celery task after the order commits: ask the Email service
    for the confirmation (idempotent there, one per order id) and tell the recommendations
    service what was bought (idempotent there too). Safe to run again; until it has run to the
    end, `completed_at` stays empty and orders_sweep runs it again."""
    order = order_get(order_id=order_id)
    if order.status not in SUCCEEDED:
        return
    email_client().send_order_confirmation(
        order.email, order_result(order), order_url=order_url(order)
    )
    product_ids = sorted({line.product_id for line in order.lines.all()})
    transaction.on_commit(lambda: _purchase_recorded_queue(order_id, product_ids))
    if order.completed_at is None:
        Order.objects.filter(pk=order.pk).update(completed_at=timezone.now())


def _purchase_recorded_queue(order_id: str, product_ids: list[str]) -> None:
    """Queues the recommendations service's task by its name: checkout imports nothing of that
    app (not even its tasks module). A signature by name runs the registered task (eagerly in
    the embedded shop), or is sent to the broker for a worker of a separately deployed service."""
    current_app.signature(PURCHASE_RECORDED_TASK, args=(order_id, product_ids)).apply_async()


def orders_pending_recover(*, older_than: timedelta) -> int:
    """Fails orders left pending by a crashed process and voids the charge they recorded, so no
    money stays taken without an order that says so, and their key is free again."""
    cutoff = timezone.now() - older_than
    recovered = 0
    for order in Order.objects.filter(status=Order.Status.PENDING, updated_at__lt=cutoff):
        # Fail first (only if still pending), then void: never void an order that got paid.
        failed = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.FAILED,
            failure_kind="unavailable",
            failure_reason="The checkout was interrupted before it completed.",
            updated_at=timezone.now(),
        )
        if failed and order.charge_id:
            _charge_void(order, order.charge_id)
        recovered += failed
    return recovered


def orders_incomplete(*, older_than: timedelta) -> list[str]:
    """Ids of paid orders whose post-order work has not run (e.g. the broker was down at commit)."""
    cutoff = timezone.now() - older_than
    return [
        str(order_id)
        for order_id in Order.objects.filter(
            status__in=SUCCEEDED, completed_at__isnull=True, updated_at__lt=cutoff
        ).values_list("id", flat=True)
    ]
