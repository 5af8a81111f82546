"""The order list as CSV: exactly the orders the list shows for the same query string (filters,
search, date drill-down, ordering; all pages), streamed row by row.

Orders hold no card data (the payment service keeps the brand and last four digits, checkout
keeps the charge's id only), so none can leak here. Amounts are plain decimals in the order's
currency, for spreadsheets; text a customer typed is defused against formula injection.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from shop.money import Money

from .models import Order

COLUMNS = [
    "order id", "created (UTC)", "status", "email", "city", "country", "currency", "items",
    "subtotal", "shipping", "total", "tracking id", "charge id", "failure reason",
]  # fmt: skip
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """csv.writer writes into this and gets each line back, so rows stream as they are made."""

    def write(self, value: str) -> str:
        return value


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _amount(amount, currency: str) -> str:
    return str(Money(amount, currency).rounded().amount)


def _row(order: Order) -> list[str]:
    return [
        str(order.pk),
        order.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        order.status,
        _text(order.email),
        _text(order.city),
        _text(order.country),
        order.currency,
        str(order.units or 0),
        _amount(order.total - order.shipping_cost, order.currency),
        _amount(order.shipping_cost, order.currency),
        _amount(order.total, order.currency),
        _text(order.tracking_id),
        order.charge_id,
        _text(order.failure_reason),
    ]


def _lines(orders) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for order in orders.annotate(units=Sum("lines__quantity")).iterator(chunk_size=500):
        yield writer.writerow(_row(order))


def orders_csv_response(model_admin, request):
    """The list's own ChangeList reads the query string, so the export cannot drift from what
    the list shows; a query string the list refuses sends staff back to it, as the list does."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        changelist = model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        return HttpResponseRedirect(reverse("admin:checkout_order_changelist") + "?e=1")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return StreamingHttpResponse(
        _lines(changelist.queryset),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="orders-{stamp}.csv"'},
    )
