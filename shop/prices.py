"""Prices in the visitor's currency: which currency it is, conversion and the display format."""

from __future__ import annotations

from collections.abc import Iterable

from babel.numbers import format_currency
from django.http import HttpRequest

from currency.client import currency_client
from shop import pagecache
from shop.money import Money

CURRENCY_COOKIE = "shop_currency"
DEFAULT_CURRENCY = "USD"
# The original frontend's whitelist; /setCurrency accepts every code of the rate table.
SELECTOR_CURRENCIES = ("USD", "EUR", "CAD", "JPY", "GBP", "TRY")
# One format for every currency: grouped amount with the currency's own minor-unit digits, then
# the symbol (17.68 €, 19.99 $, 2,527 ¥, 26.75 CA$, 1,234.50 TRY); the stylesheet keeps a price
# on one line.
DISPLAY_PATTERN = "#,##0.00 ¤"


def format_price(money: Money) -> str:
    return format_currency(
        money.rounded().amount,
        money.currency,
        format=DISPLAY_PATTERN,
        locale="en_US",
        currency_digits=True,
    )


def supported_currencies() -> frozenset[str]:
    return pagecache.cached(
        ("currencies",), lambda: frozenset(currency_client().supported_currencies())
    )


def visitor_currency(request: HttpRequest) -> str:
    """The currency chosen in the cookie; the default when there is none or it is not (or no
    longer) in the rate table."""
    code = request.COOKIES.get(CURRENCY_COOKIE)
    if not code or code == DEFAULT_CURRENCY:
        return DEFAULT_CURRENCY
    return code if code in supported_currencies() else DEFAULT_CURRENCY


def display_prices(prices: Iterable[Money], currency: str) -> dict[Money, str]:
    """Each distinct price converted to `currency`, rounded to its minor unit and formatted.

    Prices repeat across a catalog, so each distinct amount is converted once.
    """
    client = currency_client()
    shown = {}
    for price in set(prices):
        converted = price if price.currency == currency else client.convert(price, currency)
        shown[price] = format_price(converted)
    return shown
