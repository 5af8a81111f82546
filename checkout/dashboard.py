"""The sales dashboard (/admin/sales/): the report of checkout/reports.py as headline figures and
SVG charts (checkout/charts.py) a shop owner reads at a glance, with the exact figures in tables
below them."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from shop.money import Money

from . import charts, reports

DAYS = 30


def sales_dashboard(request):
    """Staff only (wrapped by admin.site.admin_view in checkout/admin_urls.py)."""
    if not request.user.has_perm("checkout.view_order"):
        raise PermissionDenied
    report = reports.sales_report(days=DAYS)
    context = {
        **admin.site.each_context(request),
        "title": "Sales dashboard",
        "report": report,
        "charts": _charts(report),
    }
    return TemplateResponse(request, "checkout/admin/sales.html", context)


def _charts(report: reports.SalesReport) -> dict:
    currency = report.currency

    def money(value: Decimal | int) -> str:
        return Money(Decimal(value), currency).format()

    days = report.days
    found = {
        "revenue": charts.column_chart(
            title=f"Revenue per day ({currency})",
            summary=f"{money(report.revenue.amount)} over {DAYS} days.",
            points=[(day.day, day.revenue.amount) for day in days],
            show=money,
        ),
        "orders": charts.column_chart(
            title="Orders per day",
            summary=f"{report.orders} orders over {DAYS} days.",
            points=[(day.day, day.orders) for day in days],
        ),
        "declines": charts.column_chart(
            title="Declined card attempts per day",
            summary=f"{report.checkouts.declined} declined attempts over {DAYS} days.",
            points=[(day.day, day.declines) for day in days],
        ),
        "products": charts.bar_chart(
            title="Top products (units sold)",
            summary=", ".join(f"{p.name}: {p.quantity}" for p in report.top_products) or "None.",
            rows=[
                (p.name, p.quantity, f"{p.quantity} in {p.orders} orders")
                for p in report.top_products
            ],
        ),  # fmt: skip
        "conversion": _conversion_chart(report.checkouts),
    }
    if report.deliveries is not None:
        failed = report.deliveries.failed_per_day
        found["emails"] = charts.column_chart(
            title="E-mails that failed per day",
            summary=f"{report.deliveries.failed} failed, {report.deliveries.sent} sent.",
            points=[(day.day, failed.get(day.day, 0)) for day in days],
        )
    return found


def _conversion_chart(checkouts) -> charts.BarChart:
    rate = checkouts.conversion
    converted = f"{checkouts.converted} ({rate}%)" if rate is not None else "0"
    return charts.bar_chart(
        title="Carts that reached the checkout, and those that became orders",
        summary=f"{checkouts.carts} carts reached the checkout; {converted} became orders.",
        rows=[
            ("Reached checkout", checkouts.carts, str(checkouts.carts)),
            ("Became an order", checkouts.converted, converted),
        ],
    )
