"""The payment service's own errors, importable without the ORM: the client imports them, so a
process that only calls the payment service remotely still raises the error a local call raises."""

from shop.errors import (
    Concurrent,
    Conflict,
    Declined,
    InvalidArgument,
    NotFound,
    PreconditionFailed,
)

IDEMPOTENCY_KEY_MAX_LENGTH = 255


class ChargeNotFound(NotFound):
    code = "charge_not_found"
    default_message = "There is no charge with this transaction id."


class ChargeAmountInvalid(InvalidArgument):
    code = "charge_amount_invalid"

    def __init__(self, message: str | None = None):
        super().__init__(message, fields={"amount": [message or "The amount is not valid."]})


class ChargeCurrencyUnknown(InvalidArgument):
    code = "charge_currency_unknown"

    def __init__(self, currency: str):
        message = f"{currency!r} is not an ISO 4217 currency code the shop can charge in."
        super().__init__(message, fields={"amount": [message]})


class CardDeclined(Declined):
    code = "card_declined"
    default_message = "Your card was declined."


class IdempotencyKeyInvalid(InvalidArgument):
    code = "idempotency_key_invalid"
    default_message = f"An Idempotency-Key has at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = (
        "This Idempotency-Key was already used for a different payment (another amount or card). "
        "Use a new key for a new payment."
    )


class ChargeInProgress(Concurrent):
    """Another request holds the key and its charge is still at the processor: the same request
    may succeed (replaying that charge) in a moment, so the answer says when (Retry-After)."""

    code = "charge_in_progress"
    default_message = (
        "A payment with this Idempotency-Key is still being processed. Try again in a moment."
    )

    def __init__(self, message: str | None = None, *, retry_after: int = 1):
        super().__init__(message, retry_after=retry_after)


class ChargeStateInvalid(PreconditionFailed):
    code = "charge_state_invalid"


class ChargeKeyVoided(PreconditionFailed):
    code = "charge_key_voided"
    default_message = (
        "This payment was cancelled before it was made (its Idempotency-Key was voided), so no "
        "money was taken. Use a new key for a new payment."
    )
