"""A checkout submission before anything is read or written: its validation (every field's
error at once, as the original's form shows them) and its fingerprint, which identifies the
submission without its card number or CVV."""

from __future__ import annotations

import hashlib
import json
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from shop import dto
from shop.addresses import address_errors
from shop.errors import InvalidArgument
from shop.money import currency_known

ASCII_DIGITS = re.compile(r"[0-9]+")


def submission_validate(
    *, user_id: str, currency: str, address: dto.Address, email: str, credit_card: dto.CreditCard
) -> None:
    fields: dict[str, list[str]] = {}
    if not user_id.strip():
        fields["user_id"] = ["The cart's user id is missing."]
    if not currency_known(currency):
        # The currency service refuses a real code it does not convert; this one is no currency.
        fields["currency"] = [f"{currency!r} is not supported: it is no currency one can pay in."]
    try:
        validate_email(email)
    except ValidationError:
        fields["email"] = ["Enter a valid e-mail address."]
    fields.update(address_errors(address=address))
    number = credit_card.number.replace(" ", "").replace("-", "")
    # ASCII digits only: str.isdigit() also accepts "٣" and "²".
    if not ASCII_DIGITS.fullmatch(number) or not 12 <= len(number) <= 19:
        fields["credit_card_number"] = ["Enter the 12 to 19 digits of the card number."]
    if not (ASCII_DIGITS.fullmatch(credit_card.cvv) and len(credit_card.cvv) in (3, 4)):
        fields["credit_card_cvv"] = ["Enter the 3 or 4 digit security code."]
    if not 1 <= credit_card.expiration_month <= 12:
        fields["credit_card_expiration_month"] = ["Enter a month from 1 to 12."]
    if not 2000 <= credit_card.expiration_year <= 2200:
        fields["credit_card_expiration_year"] = ["Enter a four-digit year."]
    if fields:
        raise InvalidArgument("Please correct the highlighted order details.", fields=fields)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def submission_fingerprint(
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
    return sha256_hex(json.dumps(submitted, sort_keys=True))
