"""Reads of the checkout service: an order as its customer and the API see it, and the sales
dashboard's figures for staff (in each order's currency; checkout/reports.py converts them).

The dashboard's figures come from the sales ledger (checkout/sales.py), so neither the number of
queries nor the rows they read grow with the number of orders.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from shop import dto, links
from shop.money import Money

from .errors import OrderNotFound
from .models import DailyCarts, DailyDeclines, DailyProductSales, Order
from .models import DailySales as SalesDay

# What counts as a sale: money taken and kept (refunded, failed and cancelled orders do not).
# These are also the orders whose post-order work (confirmation, recommendations) is due.
SOLD = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)


# --- one order --------------------------------------------------------------------------------


def order_get(*, order_id: str) -> Order:
    try:
        return Order.objects.prefetch_related("lines").get(pk=order_id)
    except (Order.DoesNotExist, ValidationError, ValueError) as exc:
        raise OrderNotFound() from exc


def order_get_for_customer(*, order_id: str, token: str) -> Order:
    """The order behind an access link; a wrong token looks exactly like an unknown order."""
    order = order_get(order_id=order_id)
    if not token or not secrets.compare_digest(order.access_token, str(token)):
        raise OrderNotFound()
    return order


def order_path(order: Order) -> str:
    """The customer's own link to the order page."""
    path = reverse("checkout:order-detail", kwargs={"order_id": order.id})
    return f"{path}?token={order.access_token}"


def order_url(order: Order, request: HttpRequest | None = None) -> str:
    """The same link, absolute (for e-mails and API clients): shop/links.py says on which
    origin."""
    return links.absolute_url(order_path(order), request)


def order_address(order: Order) -> dto.Address:
    return dto.Address(
        street_address=order.street_address,
        city=order.city,
        state=order.state,
        country=order.country,
        zip_code=order.zip_code,
    )


def order_result(order: Order) -> dto.OrderResult:
    """The hipstershop OrderResult of an order: each item's cost is its unit price, as in the
    original."""
    return dto.OrderResult(
        order_id=str(order.id),
        shipping_tracking_id=order.tracking_id,
        shipping_cost=Money(order.shipping_cost, order.currency).rounded(),
        shipping_address=order_address(order),
        items=tuple(
            dto.OrderItem(
                item=dto.CartItem(product_id=line.product_id, quantity=line.quantity),
                cost=Money(line.unit_price, order.currency).rounded(),
            )
            for line in order.lines.all()
        ),
    )


# --- the sales dashboard ----------------------------------------------------------------------

# A checkout the card stopped: the payment service declined the card or found it invalid, so no
# money was ever taken. Checkout records these attempts like any failure (a duplicate submit
# must find them), but they are not purchases: the admin lists them apart, the dashboard counts
# them as declines.
DECLINED_KINDS = ("declined", "invalid")
DECLINED = Q(status=Order.Status.FAILED, charge_id="", failure_kind__in=DECLINED_KINDS)
# Orders that were paid at some point: a cart that became one converted, refunded since or not.
PAID_EVER = (*SOLD, Order.Status.REFUNDED)


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
class Checkouts:
    """Carts (their owners' ids) that reached the checkout: at least one order was recorded for
    them, declined and failed ones included; `converted`: those with an order that was paid."""

    carts: int
    converted: int
    declined: int  # declined attempts (orders), not carts

    @property
    def conversion(self) -> Decimal | None:
        """Converted carts in percent, one decimal; None without any checkout."""
        if not self.carts:
            return None
        return (Decimal(100) * self.converted / self.carts).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class SalesSummary:
    since: date
    days: tuple[DailySales, ...]  # newest day first; only days with sales
    totals: tuple[CurrencySales, ...]  # revenue never mixes currencies
    top_products: tuple[ProductSales, ...]  # by units sold
    checkouts: Checkouts
    declines: dict[date, int]  # declined attempts per day; days without any absent


def sales_summary(*, days: int = 30, top: int = 10) -> SalesSummary:
    """Orders and revenue per day and currency over the last `days` days (today included), the
    best-selling products, how many carts reached the checkout and converted, and the declined
    attempts per day. Four queries of the sales ledger (checkout/sales.py), whose rows grow with
    the days, currencies and products, not with the orders."""
    since = timezone.localdate() - timedelta(days=days - 1)
    daily = tuple(
        DailySales(row.day, row.currency, row.orders, Money(row.revenue, row.currency))
        for row in SalesDay.objects.filter(day__gte=since, orders__gt=0).order_by(
            "-day", "currency"
        )
    )
    products = (
        DailyProductSales.objects.filter(day__gte=since)
        .values("product_id")
        .annotate(name=Max("name"), quantity=Sum("quantity"), orders=Sum("orders"))
        .filter(quantity__gt=0)
        .order_by("-quantity", "product_id")[:top]
    )
    checkouts = DailyCarts.objects.filter(day__gte=since).aggregate(
        carts=Coalesce(Sum("reached"), 0), converted=Coalesce(Sum("converted"), 0)
    )
    declines = dict(
        DailyDeclines.objects.filter(day__gte=since, attempts__gt=0).values_list("day", "attempts")
    )
    return SalesSummary(
        since=since,
        days=daily,
        totals=_totals(daily),
        top_products=tuple(ProductSales(**row) for row in products),
        checkouts=Checkouts(**checkouts, declined=sum(declines.values())),
        declines=declines,
    )


def _totals(daily: tuple[DailySales, ...]) -> tuple[CurrencySales, ...]:
    totals: dict[str, CurrencySales] = {}
    for row in daily:
        earlier = totals.get(row.currency, CurrencySales(row.currency, 0, Money.zero(row.currency)))
        totals[row.currency] = CurrencySales(
            row.currency, earlier.orders + row.orders, earlier.revenue + row.revenue
        )
    return tuple(sorted(totals.values(), key=lambda total: total.currency))
