"""One immutable Money type: a Decimal amount and an ISO 4217 currency code.

Floats are refused (0.1 + 0.2 is not money); amounts of different currencies never mix.
The wire's units/nanos pair exists only at the gRPC edge (`from_units_nanos` / `units_nanos`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .currencies import DEFAULT_DIGITS, DIGITS, ISO_4217_CODES
from .errors import InvalidArgument
from .money_display import DISPLAY_FORMS, fallback_form

NANOS_PER_UNIT = 1_000_000_000
_NANO = Decimal("1e-9")
_CODE = re.compile(r"^[A-Z]{3}$")


class InvalidMoney(InvalidArgument):
    code = "invalid_money"


class CurrencyMismatch(InvalidArgument):
    code = "currency_mismatch"


# ISO 4217 codes that name no money anyone pays with: metals, units of account, test codes.
_NOT_MONEY = {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA",
              "XXX"}  # fmt: skip
KNOWN_CURRENCIES = ISO_4217_CODES - _NOT_MONEY


def currency_known(currency: str) -> bool:
    """An ISO 4217 currency (as CLDR knows them) that a payment can be made in."""
    return currency in KNOWN_CURRENCIES


def currency_digits(currency: str) -> int:
    """Minor-unit digits of a currency (ISO 4217 as CLDR has it): JPY 0, USD 2, BHD 3."""
    return DIGITS.get(currency, DEFAULT_DIGITS)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, float) or not isinstance(self.amount, Decimal | int | str):
            raise InvalidMoney(f"Money needs a Decimal amount, not {type(self.amount).__name__}.")
        try:
            amount = Decimal(self.amount)
        except InvalidOperation as exc:
            raise InvalidMoney(f"{self.amount!r} is not a number.") from exc
        if not amount.is_finite():
            raise InvalidMoney("A money amount must be a finite number.")
        if not isinstance(self.currency, str) or not _CODE.match(self.currency):
            raise InvalidMoney(f"{self.currency!r} is not an ISO 4217 currency code.")
        object.__setattr__(self, "amount", amount)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    # --- the gRPC edge -------------------------------------------------------------------

    @classmethod
    def from_units_nanos(cls, currency: str, units: int, nanos: int) -> Money:
        """Build from the wire pair; refuses pairs the protocol calls malformed."""
        if not -NANOS_PER_UNIT < nanos < NANOS_PER_UNIT:
            raise InvalidMoney(f"nanos must be between -999999999 and 999999999, got {nanos}.")
        if (units > 0 and nanos < 0) or (units < 0 and nanos > 0):
            raise InvalidMoney("units and nanos must have the same sign.")
        return cls(Decimal(units) + Decimal(nanos) * _NANO, currency)

    def units_nanos(self) -> tuple[int, int]:
        """The wire pair; the amount is truncated toward zero to nano precision."""
        nano_total = int((self.amount / _NANO).to_integral_value(rounding="ROUND_DOWN"))
        sign = -1 if nano_total < 0 else 1
        units, nanos = divmod(abs(nano_total), NANOS_PER_UNIT)
        return sign * units, sign * nanos

    # --- arithmetic ----------------------------------------------------------------------

    def _same_currency(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise InvalidMoney(f"Cannot combine Money with {type(other).__name__}.")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"Cannot combine {self.currency} with {other.currency}.")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same_currency(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same_currency(other).amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float | Money | bool):
            raise InvalidMoney("Money can only be multiplied by an int or a Decimal.")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same_currency(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same_currency(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same_currency(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same_currency(other).amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    # --- rounding and display ------------------------------------------------------------

    def rounded(self) -> Money:
        """Rounded half-up to the currency's minor unit: what a customer is shown and charged."""
        quantum = Decimal(1).scaleb(-currency_digits(self.currency))
        return Money(self.amount.quantize(quantum, rounding=ROUND_HALF_UP), self.currency)

    def format(self) -> str:
        """The shop's one display form, in the currency's locale (DISPLAY_LOCALES): $19.99,
        17,68 €, ¥2,235, £15.20, CA$26.75, ₺108,30, SEK 1,234.50. The rounded Decimal is
        formatted, never a float; the spaces are no-break spaces, so a price stays on one line.
        The locales' rules are a table taken from Babel (shop/money_display.py)."""
        form = DISPLAY_FORMS.get(self.currency) or fallback_form(self.currency)
        return form.format(self.rounded().amount, currency_digits(self.currency))

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def money_sum(amounts: list[Money] | tuple[Money, ...], currency: str) -> Money:
    total = Money.zero(currency)
    for money in amounts:
        total += money
    return total
