"""The sales dashboard's report: checkout's own figures (selectors.sales_summary) in one
reporting currency (settings.REPORTING_CURRENCY, through the currency service), with every day of
the period and the e-mail deliveries (through the Email service).

The number of calls does not grow with the orders: one conversion per currency sold in, one
delivery report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from currency.client import currency_client
from notifications.client import email_client
from shop.errors import ShopError
from shop.money import Money, money_sum

from . import selectors

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    orders: int
    revenue: Money  # in the orders' currency
    reported: Money | None  # the same in the reporting currency; None if it could not convert


@dataclass(frozen=True)
class ReportDay:
    day: date
    orders: int
    revenue: Money  # in the reporting currency
    declines: int


@dataclass(frozen=True)
class Deliveries:
    """E-mails recorded in the period: sent, and given up on after every attempt."""

    sent: int
    failed: int
    failed_per_day: dict[date, int]


@dataclass(frozen=True)
class SalesReport:
    currency: str
    since: date
    days: tuple[ReportDay, ...]  # every day of the period, oldest first
    orders: int
    revenue: Money  # of the currencies that could be converted
    by_currency: tuple[CurrencyTotal, ...]
    unconverted: tuple[str, ...]  # currencies left out of the revenue: no rate for them
    top_products: tuple[selectors.ProductSales, ...]
    checkouts: selectors.Checkouts
    deliveries: Deliveries | None  # None when the Email service did not answer


def sales_report(*, days: int = 30) -> SalesReport:
    currency = settings.REPORTING_CURRENCY
    summary = selectors.sales_summary(days=days)
    by_currency = tuple(
        CurrencyTotal(t.currency, t.orders, t.revenue, _convert(t.revenue, currency))
        for t in summary.totals
    )
    # Each day's revenue at the rate of its currency's whole period (one call per currency, and
    # the days add up to the totals up to rounding).
    converted = [total for total in by_currency if total.reported is not None]
    rates = {
        total.currency: total.reported.amount / total.revenue.amount
        for total in converted
        if total.revenue.amount
    }
    per_day: dict[date, tuple[int, Decimal]] = {}
    for row in summary.days:
        orders, amount = per_day.get(row.day, (0, Decimal(0)))
        reported = row.revenue.amount * rates.get(row.currency, Decimal(0))
        per_day[row.day] = (orders + row.orders, amount + reported)
    today = timezone.localdate()
    period = [summary.since + timedelta(days=n) for n in range((today - summary.since).days + 1)]
    report_days = []
    for day in period:
        orders, amount = per_day.get(day, (0, Decimal(0)))
        revenue = Money(amount, currency).rounded()
        report_days.append(ReportDay(day, orders, revenue, summary.declines.get(day, 0)))
    return SalesReport(
        currency=currency,
        since=summary.since,
        days=tuple(report_days),
        orders=sum(total.orders for total in by_currency),
        revenue=money_sum([total.reported for total in converted], currency).rounded(),
        by_currency=by_currency,
        unconverted=tuple(total.currency for total in by_currency if total.reported is None),
        top_products=summary.top_products,
        checkouts=summary.checkouts,
        deliveries=_deliveries(summary.since),
    )


def _convert(money: Money, currency: str) -> Money | None:
    """None when the currency service cannot (no rate for a currency staff removed, or it is
    down): the dashboard then says which revenue it left out rather than failing."""
    if money.currency == currency:
        return money
    try:
        return currency_client().convert(money, currency)
    except ShopError as error:
        logger.warning("Sales dashboard: %s not converted to %s: %s",
                       money.currency, currency, error.message)  # fmt: skip
        return None


def _deliveries(since: date) -> Deliveries | None:
    """The e-mail figures are a side note: the dashboard stands without them."""
    try:
        days = email_client().delivery_report(since)
    except ShopError as error:
        logger.warning("Sales dashboard without e-mail figures: %s", error.message)
        return None
    return Deliveries(
        sent=sum(day.sent for day in days),
        failed=sum(day.failed for day in days),
        failed_per_day={day.day: day.failed for day in days},
    )
