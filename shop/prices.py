"""Prices in the visitor's currency: which currency it is and the one conversion path.

The display format is Money.format().
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from currency.client import currency_client
from shop import pagecache
from shop.money import Money

CURRENCY_COOKIE = "shop_currency"
DEFAULT_CURRENCY = "USD"
# The original frontend's whitelist; /setCurrency accepts every code of the rate table.
SELECTOR_CURRENCIES = ("USD", "EUR", "CAD", "JPY", "GBP", "TRY")


def shown_price(money: Money, currency: str) -> Money:
    """`money` as a customer sees it in `currency`: converted, then rounded to the minor unit.

    Every page shows this amount, so a line or total made of shown prices adds up on screen.
    """
    if money.currency != currency:
        money = currency_client().convert(money, currency)
    return money.rounded()


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
    return {price: shown_price(price, currency).format() for price in set(prices)}
