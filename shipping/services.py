"""Operations of the shipping service: all its business rules live here."""

from __future__ import annotations

import dataclasses
import logging
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.client import catalog_client
from shop.addresses import ADDRESS_FIELDS, address_given, address_validate
from shop.dto import Address, CartItem
from shop.memo import Memo
from shop.money import Money, money_sum
from shop.statements import one_statement

from .errors import (
    ShipmentCancelInvalid,
    ShipmentItemsInvalid,
    ShipmentNotFound,
    ShipmentReferenceInvalid,
    ShipmentReferenceReused,
    ShipmentStatusInvalid,
)
from .models import DEFAULT_FLAT_RATE, Shipment, ShippingRate

# The rate in each process's memory (shop/memo.py states how soon an edit shows; every write of
# the row is a model save, whose signal invalidates it: shipping/signals.py).
rate_memo = Memo("shipping:rate")

logger = logging.getLogger(__name__)

Status = Shipment.Status
FREE = Money(Decimal("0.00"), "USD")
REFERENCE_MAX_LENGTH = 100
TRACKING_ID_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class ShipmentOutcome:
    shipment: Shipment
    # False when an earlier request with the same reference made this shipment.
    created: bool


# --- quotes ------------------------------------------------------------------------------


def shipping_rate_current() -> ShippingRate:
    """The staff-edited rate (the migration creates its row; the default stands in without it),
    from memory: shared by the callers, never to be changed or saved."""
    return rate_memo.get("rate", _rate_read)


def _rate_read() -> ShippingRate:
    return ShippingRate.objects.filter(pk=1).first() or ShippingRate(flat_rate=DEFAULT_FLAT_RATE)


@dataclass(frozen=True, slots=True)
class QuotePrices:
    """The current rate as a quote uses it, made once per reading of the rate (same memo, so
    the same invalidation): every quote otherwise built these two Money values again."""

    flat: Money
    free_from: Money | None


def _quote_prices_read() -> QuotePrices:
    rate = shipping_rate_current()
    threshold = rate.free_shipping_threshold
    return QuotePrices(rate.flat, None if threshold is None else Money(threshold, "USD"))


def shipping_quote(*, address: Address | None, items: tuple[CartItem, ...]) -> Money:
    """0.00 USD for no items, free from the threshold on, else the flat rate (8.99 USD by
    default). The address is optional — the cart page quotes before one is entered — but a
    given one must be valid."""
    if address_given(address):
        address_validate(address=address)
    items = _items_validate(items)
    if not items:
        return FREE
    prices = rate_memo.get("quote prices", _quote_prices_read)
    if prices.free_from is not None and _items_value(items) >= prices.free_from:
        return FREE
    return prices.flat


def _items_value(items: tuple[CartItem, ...]) -> Money:
    catalog = catalog_client()
    products = catalog.get_products([item.product_id for item in items])
    prices = []
    for item in items:
        # A product missing from the batch is the catalog's to report, with its own error.
        product = products.get(item.product_id) or catalog.get_product(item.product_id)
        prices.append(product.price_usd * item.quantity)
    return money_sum(prices, "USD")


# --- validation (the address rule is the shop's own: shop/addresses.py) ---------------------


def _items_validate(items: tuple[CartItem, ...]) -> tuple[CartItem, ...]:
    problems = []
    for position, item in enumerate(items, start=1):
        if not (item.product_id or "").strip():
            problems.append(f"Item {position} has no product id.")
        if not isinstance(item.quantity, int) or item.quantity < 1:
            problems.append(f"Item {position}: the quantity must be at least 1.")
    if problems:
        raise ShipmentItemsInvalid(" ".join(problems), fields={"items": problems})
    return tuple(items)


# --- shipments ---------------------------------------------------------------------------


def tracking_id_new() -> str:
    """The original's shape: two capital letters, dash, digits, dash, digits."""
    letters = "".join(secrets.choice(string.ascii_uppercase) for _ in range(2))
    return f"{letters}-{secrets.randbelow(10**7):07d}-{secrets.randbelow(10**7):07d}"


def shipment_create(
    *, address: Address, items: tuple[CartItem, ...], reference: str | None = None
) -> str:
    """The seam's ShipOrder: the tracking id; the same reference ships once."""
    return shipment_ship(address=address, items=items, reference=reference).shipment.tracking_id


def shipment_ship(
    *,
    address: Address,
    items: tuple[CartItem, ...],
    reference: str | None = None,
    new_tracking_id: Callable[[], str] = tracking_id_new,
) -> ShipmentOutcome:
    """Stores a shipment under a fresh unique tracking id (drawn again on the rare collision).
    A reference seen before returns that shipment, so a retried ShipOrder ships once."""
    address = address_validate(address=address)
    items = _items_validate(items)
    if not items:
        raise ShipmentItemsInvalid(
            "A shipment needs at least one item.", fields={"items": ["Add at least one item."]}
        )
    reference = (reference or "").strip() or None
    if reference and len(reference) > REFERENCE_MAX_LENGTH:
        raise ShipmentReferenceInvalid(
            f"An order reference has at most {REFERENCE_MAX_LENGTH} characters."
        )
    stored_items = [{"product_id": item.product_id, "quantity": item.quantity} for item in items]
    for _attempt in range(TRACKING_ID_ATTEMPTS):
        # Inserted without looking the reference up first (one query less per shipment): its
        # unique index stops a replay, which then finds the earlier shipment. No transaction of
        # its own outside a caller's (the checkout calls in autocommit): two round trips less.
        try:
            with one_statement():
                shipment = Shipment.objects.create(
                    tracking_id=new_tracking_id(),
                    reference=reference,
                    items=stored_items,
                    **dataclasses.asdict(address),
                )
        except IntegrityError:
            if reference and (earlier := Shipment.objects.filter(reference=reference).first()):
                return _replay(earlier, address=address, items=stored_items)
            continue  # the tracking id was taken: draw another
        logger.info("Shipment %s created for %s", shipment.tracking_id, reference or "-")
        return ShipmentOutcome(shipment=shipment, created=True)
    raise IntegrityError(f"No free tracking id after {TRACKING_ID_ATTEMPTS} attempts.")


def _replay(shipment: Shipment, *, address: Address, items: list[dict]) -> ShipmentOutcome:
    stored = Address(**{name: getattr(shipment, name) for name in ADDRESS_FIELDS})
    if stored != address or shipment.items != items:
        raise ShipmentReferenceReused()
    return ShipmentOutcome(shipment=shipment, created=False)


_NEXT = {Status.CREATED: Status.SHIPPED, Status.SHIPPED: Status.DELIVERED}
_STAMP = {Status.SHIPPED: "shipped_at", Status.DELIVERED: "delivered_at"}


@transaction.atomic
def shipment_advance(*, tracking_id: str, to: str) -> Shipment:
    """created -> shipped -> delivered, one step at a time."""
    shipment = Shipment.objects.select_for_update().filter(tracking_id=tracking_id).first()
    if shipment is None:
        raise ShipmentNotFound(f"There is no shipment with tracking id {tracking_id!r}.")
    if _NEXT.get(Status(shipment.status)) != to:
        raise ShipmentStatusInvalid(
            f"Shipment {tracking_id} is {shipment.status}; it cannot be marked {to}."
        )
    shipment.status = to
    setattr(shipment, _STAMP[Status(to)], timezone.now())
    shipment.save(update_fields=["status", _STAMP[Status(to)], "updated"])
    logger.info("Shipment %s %s", tracking_id, to)
    return shipment


@transaction.atomic
def shipment_cancel(
    *, tracking_id: str | None = None, reference: str | None = None
) -> Shipment | None:
    """Stops a shipment that has not left (created -> cancelled), named by exactly one of its
    tracking id or the order reference it shipped under. Cancelling again changes nothing, so a
    compensation may be retried. None when nothing was shipped under the reference: the order's
    ShipOrder never reached us, so there is nothing to stop. An unknown tracking id is
    ShipmentNotFound; a shipment already on its way is ShipmentStatusInvalid."""
    tracking_id, reference = (tracking_id or "").strip(), (reference or "").strip()
    if bool(tracking_id) == bool(reference):
        raise ShipmentCancelInvalid()
    shipments = Shipment.objects.select_for_update()
    if reference:
        shipment = shipments.filter(reference=reference).first()
        if shipment is None:
            return None
    else:
        shipment = shipments.filter(tracking_id=tracking_id).first()
        if shipment is None:
            raise ShipmentNotFound(f"There is no shipment with tracking id {tracking_id!r}.")
    if shipment.status == Status.CANCELLED:
        return shipment
    if shipment.status != Status.CREATED:
        raise ShipmentStatusInvalid(
            f"Shipment {shipment.tracking_id} is {shipment.status}; it can no longer be "
            "cancelled: call the carrier to stop or return it."
        )
    shipment.status = Status.CANCELLED
    shipment.cancelled_at = timezone.now()
    shipment.save(update_fields=["status", "cancelled_at", "updated"])
    logger.info("Shipment %s cancelled (%s)", shipment.tracking_id, shipment.reference or "-")
    return shipment
