"""Operations of the payments service: all its business rules live here.

With an outside processor a charge is claimed (a `pending` row holding the idempotency key, one
INSERT), the processor is asked outside any transaction, then the row is settled as `captured` or
`declined` (one UPDATE). The unique key makes a concurrent duplicate fail its claim; it then waits
for the first attempt to settle and returns that result. So one key moves money at most once.
A processor inside the shop (`in_process`, the simulated one) holds no money between its answer
and the record: the charge is asked first and written once, settled (the duplicate's INSERT fails
on the key the same way).
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.dto import CreditCard
from shop.errors import ShopError
from shop.money import Money, currency_known
from shop.observability.metrics import PAYMENT_DECLINES
from shop.statements import one_statement

from .cards import CheckedCard, card_check
from .errors import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    CardDeclined,
    ChargeAmountInvalid,
    ChargeCurrencyUnknown,
    ChargeInProgress,
    ChargeKeyVoided,
    ChargeNotFound,
    ChargeStateInvalid,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
)
from .gateways import GatewayResult, PaymentGateway, gateway
from .models import Charge, ChargeRow, VoidedKey

logger = logging.getLogger(__name__)

Status = Charge.Status
SETTLE_POLL_SECONDS = 0.05
# What Charge.amount holds (24 digits, 9 of them after the point).
MAX_CHARGE = Decimal(10**15)


@dataclass(frozen=True, slots=True)
class ChargeOutcome:
    charge: Charge
    # False when an earlier request with the same idempotency key made this charge.
    created: bool


def payment_charge(*, amount: Money, card: CreditCard, idempotency_key: str | None = None) -> str:
    """The seam's Charge: the transaction id (the charge's UUID). Builds no `Charge` instance
    for a charge the shop's own processor made (the caller needs only its id)."""
    charge, _created = _charge(amount=amount, card=card, key=_clean_key(idempotency_key))
    return str(charge.id)


def charge_create(
    *,
    amount: Money,
    card: CreditCard,
    idempotency_key: str | None = None,
    today: date | None = None,
) -> ChargeOutcome:
    """Charges the card once per idempotency key; a declined charge raises CardDeclined (and is
    stored, so staff see it); a replay of the key returns (or raises) what the first one did."""
    charge, created = _charge(
        amount=amount, card=card, key=_clean_key(idempotency_key), today=today
    )
    if isinstance(charge, ChargeRow):
        charge = charge.as_charge()
    return ChargeOutcome(charge=charge, created=created)


def _charge(
    *, amount: Money, card: CreditCard, key: str | None, today: date | None = None
) -> tuple[Charge | ChargeRow, bool]:
    """charge_create's work: the charge (the model, or the row the shop's own processor's
    charge was written from) and whether this request made it."""
    try:
        checked, processor = _charge_checked(amount=amount, card=card, today=today)
    except ShopError:
        # A replay is answered as its first request was, even once the card has expired.
        earlier = _settled_charge(key) if key else None
        if earlier is None:
            raise
        return _replay(earlier, amount=amount, card=card)
    try:
        if processor.in_process:
            charge = _charge_in_one_write(
                checked, key=key, processor=processor, amount=amount, card=card
            )
        else:
            charge = _charge_claimed_then_settled(
                Charge(
                    amount=amount.amount,
                    currency=amount.currency,
                    brand=checked.brand,
                    last4=checked.last4,
                    idempotency_key=key,
                    gateway=processor.name,
                ),
                processor=processor,
                amount=amount,
                card=card,
            )
    except IntegrityError:  # the key is taken: a replay, or a concurrent attempt with the key
        earlier = _settled_charge(key)
        if earlier is None:  # the first attempt failed at the processor and let go of the key
            raise ChargeInProgress() from None
        return _replay(earlier, amount=amount, card=card)
    if charge.status == Status.DECLINED:
        logger.warning("Charge %s declined: %s ending %s", charge.id, charge.brand, charge.last4)
        PAYMENT_DECLINES.labels(charge.brand).inc()
        raise CardDeclined(charge.decline_reason or None)
    logger.info(
        "Charge %s captured: %s, %s ending %s", charge.id, amount, charge.brand, charge.last4
    )
    return charge, True


def _charge_checked(
    *, amount: Money, card: CreditCard, today: date | None
) -> tuple[CheckedCard, PaymentGateway]:
    """What may be kept of the card of a valid request, and the processor to ask. A key is not
    looked up first: its row's unique key stops a replay at the insert (one query less per
    charge)."""
    if amount.amount <= 0:
        raise ChargeAmountInvalid("The amount to charge must be greater than zero.")
    if amount.amount >= MAX_CHARGE:
        raise ChargeAmountInvalid(f"The amount to charge must be less than {MAX_CHARGE:,}.")
    if not currency_known(amount.currency):
        raise ChargeCurrencyUnknown(amount.currency)
    # The shop's date (TIME_ZONE): a card expires by the shop's calendar, whatever time zone a
    # request may have activated (none does today), and naming the zone saves the lookup of
    # the active one (a context-local read that fails, then falls back) on every charge.
    today = today or timezone.localdate(timezone=timezone.get_default_timezone())
    return card_check(card, today=today), gateway()


def payment_void(*, transaction_id: str) -> None:
    """The seam's Void (checkout's compensation)."""
    charge_void(charge_id=transaction_id)


def charge_void(*, charge_id: str) -> Charge:
    """Cancels a captured charge. Voiding a voided charge again changes nothing, so a
    compensation may be retried safely."""
    charge = charge_get(charge_id=charge_id)
    if charge.status == Status.VOIDED:
        return charge
    _require_captured(charge, action="void")
    gateway(charge.gateway).void(
        reference=charge.gateway_reference, idempotency_key=f"{charge.id}:void"
    )
    return _transition(charge, to=Status.VOIDED, action="void")


def charge_void_by_key(*, idempotency_key: str) -> Charge | None:
    """Voids the charge made under the key, for a caller that never learnt its transaction id,
    and forbids the key from then on (see charge_create). None when no charge was made under it;
    a declined, voided or refunded charge is returned as it is (no money held). A charge still
    at the processor raises ChargeInProgress: ask again in a moment."""
    key = _clean_key(idempotency_key)
    if key is None:
        raise IdempotencyKeyInvalid("An Idempotency-Key is required to void a charge by its key.")
    VoidedKey.objects.get_or_create(key=key)
    charge = Charge.objects.filter(idempotency_key=key).first()
    if charge is None:
        return None
    if charge.status == Status.PENDING:
        raise ChargeInProgress()
    if charge.status == Status.CAPTURED:
        return charge_void(charge_id=str(charge.id))
    return charge


def payment_refund(*, transaction_id: str) -> Charge:
    """The seam's Refund (staff refunding an order). Refunding a refunded charge again changes
    nothing, so a refund whose answer was lost may be retried."""
    charge = charge_get(charge_id=transaction_id)
    if charge.status == Status.REFUNDED:
        return charge
    return charge_refund(charge_id=transaction_id)


def charge_refund(*, charge_id: str) -> Charge:
    """Gives the whole captured amount back (staff refunds)."""
    charge = charge_get(charge_id=charge_id)
    _require_captured(charge, action="refund")
    gateway(charge.gateway).refund(
        reference=charge.gateway_reference,
        amount=charge.money,
        idempotency_key=f"{charge.id}:refund",
    )
    return _transition(charge, to=Status.REFUNDED, action="refund")


def charge_get(*, charge_id: str) -> Charge:
    try:
        return Charge.objects.get(pk=uuid.UUID(str(charge_id)))
    except (ValueError, Charge.DoesNotExist):
        raise ChargeNotFound(f"There is no charge with transaction id {charge_id!r}.") from None


# --- internals ---------------------------------------------------------------------------


def _clean_key(key: str | None) -> str | None:
    key = (key or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise IdempotencyKeyInvalid()
    return key or None


def _charge_in_one_write(
    checked: CheckedCard,
    *,
    key: str | None,
    processor: PaymentGateway,
    amount: Money,
    card: CreditCard,
) -> ChargeRow:
    """A processor inside this process holds no money between its answer and the record, so the
    charge is written once, settled: one INSERT (IntegrityError when the key is taken), of the
    row `Charge(...).insert()` would write (the id a new UUID, `created` and `updated` the time
    of the write)."""
    charge_id = uuid.uuid4()
    result = processor.charge(amount=amount, card=card, idempotency_key=key or str(charge_id))
    status, reference, reason = _settlement(result)
    now = timezone.now()
    charge = ChargeRow(
        id=charge_id,
        amount=amount.amount,
        currency=amount.currency,
        brand=checked.brand,
        last4=checked.last4,
        status=status,
        decline_reason=reason,
        gateway=processor.name,
        gateway_reference=reference,
        idempotency_key=key,
        created=now,
        updated=now,
    )
    with one_statement():
        charge.insert()
    _refuse_if_key_voided(charge)  # nothing left the shop: the record simply goes
    return charge


def _charge_claimed_then_settled(
    charge: Charge, *, processor: PaymentGateway, amount: Money, card: CreditCard
) -> Charge:
    """An outside processor: the key is claimed by a pending row before it is asked
    (IntegrityError when taken), so a crash in between leaves a trace and a duplicate waits."""
    charge.status = Status.PENDING
    with one_statement():
        charge.insert()
    _refuse_if_key_voided(charge)  # before the processor is asked
    try:
        result = processor.charge(
            amount=amount, card=card, idempotency_key=charge.idempotency_key or str(charge.id)
        )
    except Exception:
        # No answer from the processor: let go of the key so a retry asks again (with the same
        # key, so a real processor still moves the money at most once).
        Charge.objects.filter(pk=charge.pk, status=Status.PENDING).delete()
        raise
    _settle(charge, result)
    with one_statement():
        charge.save(update_fields=["status", "gateway_reference", "decline_reason", "updated"])
    return charge


def _refuse_if_key_voided(charge: Charge | ChargeRow) -> None:
    """Checked after the charge's row is committed, as charge_void_by_key looks for the row after
    committing its mark: whichever comes second sees the other, so no charge slips past."""
    if charge.idempotency_key and VoidedKey.holds(charge.idempotency_key):
        Charge.objects.filter(pk=charge.id).delete()
        raise ChargeKeyVoided()


def _settlement(result: GatewayResult) -> tuple[str, str, str]:
    """The processor's answer as the charge records it: status, reference, decline reason."""
    status = Status.CAPTURED if result.approved else Status.DECLINED
    return status, result.reference, result.decline_reason[:200]


def _settle(charge: Charge, result: GatewayResult) -> None:
    charge.status, charge.gateway_reference, charge.decline_reason = _settlement(result)


def _settled_charge(key: str) -> Charge | None:
    """The charge holding this key once it is settled (waiting while it is pending), or None."""
    deadline = time.monotonic() + getattr(settings, "PAYMENT_IDEMPOTENCY_WAIT_SECONDS", 2.0)
    while True:
        charge = Charge.objects.filter(idempotency_key=key).first()
        if charge is None or charge.status != Status.PENDING:
            return charge
        if time.monotonic() >= deadline:
            raise ChargeInProgress()
        time.sleep(SETTLE_POLL_SECONDS)


def _replay(charge: Charge, *, amount: Money, card: CreditCard) -> tuple[Charge, bool]:
    digits = "".join(char for char in card.number or "" if char.isdigit())
    if charge.money != amount or charge.last4 != digits[-4:]:
        raise IdempotencyKeyReused()
    if charge.status == Status.DECLINED:
        raise CardDeclined(charge.decline_reason or None)
    return charge, False


_REFUSALS = {
    Status.PENDING: "This charge is still being processed; try again in a moment.",
    Status.DECLINED: "This charge was declined, so no money was taken; nothing to {action}.",
    Status.VOIDED: "This charge was voided, so no money was taken; nothing to {action}.",
    Status.REFUNDED: "This charge was already refunded; it cannot be {done}.",
}
_DONE = {"void": "voided", "refund": "refunded"}


def _require_captured(charge: Charge, *, action: str) -> None:
    if charge.status != Status.CAPTURED:
        message = _REFUSALS[Status(charge.status)].format(action=action, done=_DONE[action])
        raise ChargeStateInvalid(message)


@transaction.atomic
def _transition(charge: Charge, *, to: str, action: str) -> Charge:
    """captured -> `to`, unless a concurrent request changed the charge first."""
    changed = Charge.objects.filter(pk=charge.pk, status=Status.CAPTURED).update(
        status=to, updated=timezone.now()
    )
    charge.refresh_from_db()
    if not changed and charge.status != to:
        _require_captured(charge, action=action)
    logger.info("Charge %s %s", charge.id, charge.status)
    return charge
