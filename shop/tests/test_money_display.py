"""The tables taken from Babel hold what Babel answers: shop/money_display.py writes every amount
exactly as Babel would, shop/currencies.py knows its currencies and their digits."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency, get_currency_precision, list_currencies
from hypothesis import given
from hypothesis import strategies as st

from shop.currencies import DIGITS, ISO_4217_CODES
from shop.currencies import generated_table as generated_currency_table
from shop.money import Money, currency_digits
from shop.money_display import DISPLAY_FORMS, DISPLAY_LOCALES, DisplayForm, generated_table

# Every currency without a display locale: the code, a no-break space, en_US separators.
FALLBACK_PATTERN = "¤¤\xa0#,##0.00"
OTHER_CURRENCIES = ["SEK", "BHD", "ISK", "SGD", "KWD", "CLF"]
AMOUNTS = ["0", "0.5", "-0.5", "1", "9.99", "999.995", "1000", "-1234.5", "123456.78",
           "1234567.891", "-98765432.1", "1000000000000"]  # fmt: skip


def babel_format(amount: Decimal, currency: str) -> str:
    """Money.format as it was before the table: Babel with the currency's display locale."""
    locale = DISPLAY_LOCALES.get(currency)
    return format_currency(
        Money(amount, currency).rounded().amount,
        currency,
        format=None if locale else FALLBACK_PATTERN,
        locale=locale or "en_US",
        currency_digits=True,
    )


def test_every_display_currency_has_its_form():
    assert set(DISPLAY_FORMS) == set(DISPLAY_LOCALES)


@pytest.mark.parametrize("currency", [*DISPLAY_LOCALES, *OTHER_CURRENCIES])
@pytest.mark.parametrize("amount", AMOUNTS)
def test_the_table_writes_what_babel_writes(currency, amount):
    assert Money(Decimal(amount), currency).format() == babel_format(Decimal(amount), currency)


@given(
    currency=st.sampled_from(sorted(DISPLAY_LOCALES)),
    amount=st.decimals(min_value=-(10**10), max_value=10**10, places=4, allow_nan=False),
)
def test_any_amount_is_written_as_babel_writes_it(currency, amount):
    assert Money(amount, currency).format() == babel_format(amount, currency)


def test_the_table_is_what_its_generator_prints_from_babel():
    generated = eval("{" + generated_table() + "}", {"DisplayForm": DisplayForm})  # noqa: S307
    assert generated == DISPLAY_FORMS


def test_the_currency_table_is_what_babel_answers():
    codes = sorted(list_currencies())
    assert sorted(ISO_4217_CODES) == codes
    assert {code: currency_digits(code) for code in codes} == {
        code: get_currency_precision(code) for code in codes
    }
    assert currency_digits("ZZZ") == get_currency_precision("ZZZ")
    generated = generated_currency_table().split("\n\n")
    assert generated[0].split() == codes
    assert eval("{" + generated[1] + "}") == DIGITS  # noqa: S307
