"""Currency conversion: rates per 1 EUR, from -> EUR -> to, in Decimal arithmetic."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, localcontext

from django.db import transaction

from shop.memo import Memo
from shop.money import Money

from .errors import UnsupportedCurrency
from .feed import FeedError, ecb_rates_parse, feed_fetch
from .models import ExchangeRate

logger = logging.getLogger(__name__)

# The rate table in each process's memory (shop/memo.py states how soon a change shows).
_rates_memo = Memo("currency:rates")
# 34 significant digits: far beyond the wire's nano precision for any realistic amount.
CONVERSION_PRECISION = 34

INITIAL_RATES_PER_EUR = {
    "EUR": "1.0", "USD": "1.1305", "JPY": "126.40", "BGN": "1.9558", "CZK": "25.592",
    "DKK": "7.4609", "GBP": "0.85970", "HUF": "315.51", "PLN": "4.2996", "RON": "4.7463",
    "SEK": "10.5375", "CHF": "1.1360", "ISK": "136.80", "NOK": "9.8040", "HRK": "7.4210",
    "RUB": "74.4208", "TRY": "6.1247", "AUD": "1.6072", "BRL": "4.2682", "CAD": "1.5128",
    "CNY": "7.5857", "HKD": "8.8743", "IDR": "15999.40", "ILS": "4.0875", "INR": "79.4320",
    "KRW": "1275.05", "MXN": "21.7999", "MYR": "4.6289", "NZD": "1.6679", "PHP": "59.083",
    "SGD": "1.5349", "THB": "36.012", "ZAR": "16.0583",
}  # fmt: skip


def rates() -> dict[str, Decimal]:
    """All rates per EUR, from memory; every write of a rate invalidates it (rates_changed). The
    table is shared by the callers: never change it."""
    return _rates_memo.get("rates", _rates_read)


def _rates_read() -> dict[str, Decimal]:
    return dict(ExchangeRate.objects.values_list("code", "rate_per_eur"))


def rates_changed() -> None:
    """Called on every write of a rate: the signals (admin, API, feed, shell saves) and the bulk
    paths, which send none (rates_load_initial)."""
    _rates_memo.changed()


def currency_codes() -> list[str]:
    return sorted(rates())


def currency_convert(*, money: Money, to_currency: str) -> Money:
    table = rates()
    for code in (money.currency, to_currency):
        if code not in table:
            raise UnsupportedCurrency(code)
    if money.currency == to_currency:
        return money
    with localcontext() as context:
        context.prec = CONVERSION_PRECISION
        amount = money.amount / table[money.currency] * table[to_currency]
    return Money(amount, to_currency)


@transaction.atomic
def rates_load_initial() -> int:
    """Creates the initial rates that are missing; never overwrites a rate staff have set."""
    existing = set(ExchangeRate.objects.values_list("code", flat=True))
    missing = [
        ExchangeRate(code=code, rate_per_eur=Decimal(rate))
        for code, rate in INITIAL_RATES_PER_EUR.items()
        if code not in existing
    ]
    ExchangeRate.objects.bulk_create(missing)
    rates_changed()
    return len(missing)


@dataclass(frozen=True, slots=True)
class RatesUpdated:
    changed: list[str]
    added: list[str]
    pinned: list[str]


@transaction.atomic
def rates_update(*, rates_per_eur: dict[str, Decimal]) -> RatesUpdated:
    """Sets rates from a feed: changes the ones that differ, adds new currencies, and leaves
    pinned rates (set by staff) and currencies the feed does not carry as they are."""
    current = {rate.code: rate for rate in ExchangeRate.objects.select_for_update()}
    changed, added, pinned = [], [], []
    for code, value in sorted(rates_per_eur.items()):
        if code == "EUR":
            continue
        rate = current.get(code)
        if rate is None:
            ExchangeRate.objects.create(code=code, rate_per_eur=value)
            added.append(code)
        elif rate.pinned:
            pinned.append(code)
        elif rate.rate_per_eur != value:
            rate.rate_per_eur, rate.updated_by = value, None
            rate.save(update_fields=["rate_per_eur", "updated_by", "updated_at"])
            changed.append(code)
    return RatesUpdated(changed=changed, added=added, pinned=pinned)


def rates_refresh(*, feed_url: str) -> RatesUpdated | None:
    """Fetches the ECB-format feed and applies it. When the feed cannot be fetched or read, the
    last rates stay in force and a warning is logged; returns None then."""
    try:
        feed = ecb_rates_parse(feed_fetch(feed_url))
    except FeedError as error:
        logger.warning("Exchange rates not refreshed from %s: %s. Keeping the last rates.",
                       feed_url, error)  # fmt: skip
        return None
    # The fetch is done before the transaction starts: no lock is held across the network.
    result = rates_update(rates_per_eur=feed.rates)
    logger.info(
        "Exchange rates of %s from %s: %d changed, %d added, %d pinned by staff kept.",
        feed.date or "an undated feed", feed_url, len(result.changed), len(result.added),
        len(result.pinned),
    )  # fmt: skip
    return result
