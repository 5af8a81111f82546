"""Card checks of the original payment service: Luhn, brand, expiry, plus a CVV format check.

Two kinds of refusal (see docs/payments-shipping.md):
- `invalid` (HTTP 400): the input is malformed — a mistyped number, CVV or expiry month;
- `declined` (HTTP 402): a well-formed card we will not charge — brand not accepted, expired.
Over gRPC both are INVALID_ARGUMENT, as in the original. Every message is safe to show a
customer and never contains more than the last four digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from shop.dto import CreditCard
from shop.errors import Declined, InvalidArgument

ACCEPTED_BRANDS = ("visa", "mastercard")
_SEPARATORS = re.compile(r"[ -]")
# ASCII digits only: str.isdigit() also accepts "٣" and "²", which int() reads or refuses.
_DIGITS = re.compile(r"[0-9]+")

# (brand, display name, prefix ranges as (low, high) over the first N digits, valid lengths)
_BRANDS: tuple[tuple[str, str, tuple[tuple[str, str], ...], tuple[int, ...]], ...] = (
    ("visa", "VISA", (("4", "4"),), (13, 16, 19)),
    ("mastercard", "MasterCard", (("51", "55"), ("2221", "2720")), (16,)),
    ("amex", "American Express", (("34", "34"), ("37", "37")), (15,)),
    ("diners", "Diners Club", (("300", "305"), ("36", "36"), ("38", "39")), tuple(range(14, 20))),
    ("discover", "Discover", (("6011", "6011"), ("644", "649"), ("65", "65")), (16, 17, 18, 19)),
    ("jcb", "JCB", (("3528", "3589"),), (16, 17, 18, 19)),
    ("unionpay", "UnionPay", (("62", "62"),), (16, 17, 18, 19)),
    ("maestro", "Maestro", (("5018", "5018"), ("5020", "5020"), ("5038", "5038"), ("6304", "6304"),
                            ("6759", "6759"), ("676", "676")), tuple(range(12, 20))),
)  # fmt: skip
BRAND_NAMES = {brand: name for brand, name, _, _ in _BRANDS}


class CardNumberInvalid(InvalidArgument):
    code = "card_number_invalid"
    default_message = "The credit card number is not valid. Please check it and try again."

    def __init__(self, message: str | None = None):
        super().__init__(message, fields={"credit_card_number": [message or self.default_message]})


class CardCvvInvalid(InvalidArgument):
    code = "card_cvv_invalid"
    default_message = "The security code (CVV) must be 3 or 4 digits."

    def __init__(self, message: str | None = None):
        super().__init__(message, fields={"credit_card_cvv": [message or self.default_message]})


class CardExpiryInvalid(InvalidArgument):
    code = "card_expiry_invalid"
    default_message = "The expiration date is not valid: the month must be 1-12."

    def __init__(self, message: str | None = None):
        fields = {"credit_card_expiration_month": [message or self.default_message]}
        super().__init__(message, fields=fields)


class CardBrandNotAccepted(Declined):
    code = "card_brand_not_accepted"
    default_message = (
        "Sorry, we cannot process this credit card. Only VISA or MasterCard is accepted."
    )


class CardExpired(Declined):
    code = "card_expired"
    default_message = "Your credit card has expired."


@dataclass(frozen=True, slots=True)
class CheckedCard:
    """What may be kept of a card: never the number, never the CVV."""

    brand: str
    last4: str


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    for brand, _name, ranges, lengths in _BRANDS:
        if len(digits) not in lengths:
            continue
        for low, high in ranges:
            if low <= digits[: len(low)] <= high:
                return brand
    return None


def card_check(card: CreditCard, *, today: date) -> CheckedCard:
    """Refuses a card the shop must not charge; returns its brand and last four digits."""
    digits = _SEPARATORS.sub("", card.number or "")
    if not _DIGITS.fullmatch(digits) or not 12 <= len(digits) <= 19 or not luhn_valid(digits):
        raise CardNumberInvalid()
    last4 = digits[-4:]
    brand = card_brand(digits)
    if brand not in ACCEPTED_BRANDS:
        name = BRAND_NAMES.get(brand or "", "these")
        raise CardBrandNotAccepted(
            f"Sorry, we cannot process {name} credit cards. Only VISA or MasterCard is accepted."
        )
    month, year = card.expiration_month, card.expiration_year
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise CardExpiryInvalid()
    if (year, month) < (today.year, today.month):
        raise CardExpired(f"Your credit card (ending {last4}) expired on {month}/{year}")
    cvv = (card.cvv or "").strip()
    if not (_DIGITS.fullmatch(cvv) and 3 <= len(cvv) <= 4):
        raise CardCvvInvalid()
    return CheckedCard(brand=brand, last4=last4)
