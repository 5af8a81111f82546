"""Prices in the visitor's currency: which currency it is and the one conversion path.

The display format is Money.format().
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.http import HttpRequest

from currency.client import currency_client
from shop import pricing
from shop.money import Money
from storefront import pagecache

CURRENCY_COOKIE = "shop_currency"
DEFAULT_CURRENCY = "USD"
# The original frontend's whitelist; /setCurrency accepts every code of the rate table.
SELECTOR_CURRENCIES = ("USD", "EUR", "CAD", "JPY", "GBP", "TRY")
CURRENCIES_ENTRY = ("currencies",)
_CODE = re.compile(r"[A-Z]{3}")


def shown_price(money: Money, currency: str) -> Money:
    """`money` as a customer sees it in `currency` (shop.pricing.shown_price)."""
    return pricing.shown_price(money, currency, currency_client().convert)


def supported_currencies(snapshot: pagecache.Snapshot | None = None) -> frozenset[str]:
    """`snapshot`: a cache read that asked for CURRENCIES_ENTRY already (saves a round trip)."""
    snapshot = snapshot or pagecache.read(CURRENCIES_ENTRY)
    return snapshot.get(
        CURRENCIES_ENTRY, lambda: frozenset(currency_client().supported_currencies())
    )


def requested_currency(request: HttpRequest) -> str:
    """The code in the cookie if it looks like one (not yet checked against the rate table)."""
    code = request.COOKIES.get(CURRENCY_COOKIE, "")
    return code if _CODE.fullmatch(code) else DEFAULT_CURRENCY


def visitor_currency(request: HttpRequest, snapshot: pagecache.Snapshot | None = None) -> str:
    """The currency chosen in the cookie; the default when there is none or it is not (or no
    longer) in the rate table. `snapshot` as for supported_currencies."""
    code = requested_currency(request)
    if code == DEFAULT_CURRENCY:
        return DEFAULT_CURRENCY
    return code if code in supported_currencies(snapshot) else DEFAULT_CURRENCY


def display_prices(prices: Iterable[Money], currency: str) -> dict[Money, str]:
    """Each distinct price converted to `currency`, rounded to its minor unit and formatted.

    Prices repeat across a catalog, so each distinct amount is converted once.
    """
    return {price: shown_price(price, currency).format() for price in set(prices)}
