import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.money import (
    NANOS_PER_UNIT,
    CurrencyMismatch,
    InvalidMoney,
    Money,
    money_sum,
)
from shop.money_display import DISPLAY_LOCALES

NBSP = "\xa0"

codes = st.sampled_from(["USD", "EUR", "JPY", "GBP", "BHD"])
units = st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)
nanos = st.integers(min_value=0, max_value=NANOS_PER_UNIT - 1)
amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=9, allow_nan=False)


@given(code=codes, whole=units, fraction=nanos, negative=st.booleans())
def test_units_nanos_round_trip(code, whole, fraction, negative):
    sign = -1 if negative else 1
    u, n = abs(whole) * sign, fraction * sign
    money = Money.from_units_nanos(code, u, n)
    assert money.units_nanos() == (u, n)


@given(code=codes, amount=amounts)
def test_amount_survives_the_wire(code, amount):
    money = Money(amount, code)
    u, n = money.units_nanos()
    assert Money.from_units_nanos(code, u, n) == money
    assert n == 0 or (u >= 0) == (n > 0) or u == 0
    assert abs(n) < NANOS_PER_UNIT


@given(a=amounts, b=amounts, c=amounts)
def test_addition_is_exact_associative_and_commutative(a, b, c):
    x, y, z = Money(a, "EUR"), Money(b, "EUR"), Money(c, "EUR")
    assert (x + y) + z == x + (y + z)
    assert x + y == y + x
    assert (x + y - y) == x
    assert money_sum([x, y, z], "EUR").amount == a + b + c


@given(a=amounts, factor=st.integers(min_value=0, max_value=1000))
def test_multiplication_is_repeated_addition(a, factor):
    money = Money(a, "USD")
    assert money * factor == money_sum([money] * factor, "USD")


def test_floats_are_refused():
    with pytest.raises(InvalidMoney):
        Money(19.99, "USD")
    with pytest.raises(InvalidMoney):
        Money(Decimal("1"), "USD") * 1.5


def test_currencies_never_mix():
    with pytest.raises(CurrencyMismatch):
        Money(Decimal("1"), "USD") + Money(Decimal("1"), "EUR")
    with pytest.raises(CurrencyMismatch):
        _ = Money(Decimal("1"), "USD") < Money(Decimal("1"), "EUR")


@pytest.mark.parametrize(
    "currency,amount,nanos",
    [("USD", 1, -1), ("USD", -1, 1), ("USD", 0, NANOS_PER_UNIT), ("USD", 0, -NANOS_PER_UNIT)],
)
def test_malformed_wire_money_is_refused(currency, amount, nanos):
    with pytest.raises(InvalidMoney):
        Money.from_units_nanos(currency, amount, nanos)


def test_negative_fraction_with_zero_units_is_accepted():
    assert Money.from_units_nanos("USD", 0, -500_000_000).amount == Decimal("-0.5")


@pytest.mark.parametrize("bad", ["usd", "US", "", "EURO", None])
def test_currency_code_must_be_iso(bad):
    with pytest.raises(InvalidMoney):
        Money(Decimal("1"), bad)


def test_rounding_uses_the_currency_minor_unit():
    assert Money(Decimal("17.675"), "EUR").rounded().amount == Decimal("17.68")
    assert Money(Decimal("2234.5"), "JPY").rounded().amount == Decimal("2235")
    assert Money(Decimal("1.2345"), "BHD").rounded().amount == Decimal("1.235")


def test_display_format_follows_the_currency_locale():
    # Rounded to the currency's minor unit, then written as its home locale writes it; the
    # spaces are no-break spaces (NBSP), so a price never wraps.
    assert Money(Decimal("19.99"), "USD").format() == "$19.99"
    assert Money(Decimal("1234.5"), "USD").format() == "$1,234.50"
    assert Money(Decimal("17.675"), "EUR").format() == f"17,68{NBSP}€"
    assert Money(Decimal("1234.5"), "EUR").format() == f"1.234,50{NBSP}€"
    assert Money(Decimal("-3.2"), "EUR").format() == f"-3,20{NBSP}€"
    assert Money(Decimal("2234.4"), "JPY").format() == "¥2,234"
    assert Money(Decimal("15.2015"), "GBP").format() == "£15.20"
    assert Money(Decimal("26.7499973"), "CAD").format() == "CA$26.75"
    assert Money(Decimal("108.2996"), "TRY").format() == "₺108,30"
    assert Money(Decimal("1234.5"), "CHF").format() == f"CHF{NBSP}1’234.50"


def test_codes_without_a_locale_show_the_iso_code():
    assert Money(Decimal("1.2345"), "BHD").format() == f"BHD{NBSP}1.235"
    assert Money(Decimal("1234.5"), "SEK").format() == f"SEK{NBSP}1,234.50"
    assert Money(Decimal("-1"), "SEK").format() == f"-SEK{NBSP}1.00"


def test_every_locale_of_the_table_shows_its_own_symbol():
    """Staff see orders in many currencies side by side: no two may look alike."""
    symbols = {
        code: re.sub(r"[\d\s.,’\u202f-]", "", Money(Decimal("1234.5"), code).format())
        for code in DISPLAY_LOCALES
    }
    assert len(set(symbols.values())) == len(symbols), symbols
    assert all(symbols.values())


def test_money_is_immutable():
    money = Money(Decimal("1"), "USD")
    with pytest.raises(AttributeError):
        money.amount = Decimal("2")
