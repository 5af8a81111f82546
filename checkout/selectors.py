"""Reads of the checkout service that staff look at: the sales dashboard's figures.

Every figure is aggregated by the database, so the number of queries does not grow with the
number of orders, days or products.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from shop.money import Money

from .models import Order, OrderLine

# What counts as a sale: money taken and kept (refunded, failed and cancelled orders do not).
SOLD = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)


@dataclass(frozen=True)
class CurrencySales:
    currency: str
    orders: int
    revenue: Money


@dataclass(frozen=True)
class DailySales:
    day: date
    currency: str
    orders: int
    revenue: Money


@dataclass(frozen=True)
class ProductSales:
    product_id: str
    name: str
    quantity: int
    orders: int


@dataclass(frozen=True)
class SalesSummary:
    since: date
    days: tuple[DailySales, ...]  # newest day first; only days with sales
    totals: tuple[CurrencySales, ...]  # revenue never mixes currencies
    top_products: tuple[ProductSales, ...]  # by units sold


def sales_summary(*, days: int = 30, top: int = 10) -> SalesSummary:
    """Orders and revenue per day and currency over the last `days` days (today included), and
    the best-selling products. Two queries."""
    since = timezone.localdate() - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(since, time.min))
    sold = Order.objects.filter(status__in=SOLD, created_at__gte=start)
    daily = tuple(
        DailySales(
            row["day"], row["currency"], row["orders"], Money(row["revenue"], row["currency"])
        )
        for row in sold.annotate(day=TruncDate("created_at"))
        .values("day", "currency")
        .annotate(orders=Count("id"), revenue=Sum("total"))
        .order_by("-day", "currency")
    )
    products = (
        OrderLine.objects.filter(order__in=sold)
        .values("product_id")
        .annotate(
            name=Max("product_name"), quantity=Sum("quantity"), orders=Count("order", distinct=True)
        )
        .order_by("-quantity", "product_id")[:top]
    )
    return SalesSummary(
        since=since,
        days=daily,
        totals=_totals(daily),
        top_products=tuple(ProductSales(**row) for row in products),
    )


def _totals(daily: tuple[DailySales, ...]) -> tuple[CurrencySales, ...]:
    totals: dict[str, CurrencySales] = {}
    for row in daily:
        earlier = totals.get(row.currency, CurrencySales(row.currency, 0, Money.zero(row.currency)))
        totals[row.currency] = CurrencySales(
            row.currency, earlier.orders + row.orders, earlier.revenue + row.revenue
        )
    return tuple(sorted(totals.values(), key=lambda total: total.currency))
