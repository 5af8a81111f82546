"""The sales dashboard: SVG charts drawn on the server (no script, no other origin), every amount
in the reporting currency through the currency service, checkout conversion, declined attempts
and e-mail failures through the Email service; a bounded number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkout import charts
from notifications.models import EmailMessage
from shop import registry
from shop.errors import ServiceUnavailable
from shop.money import Money

from .orders import make_order

pytestmark = pytest.mark.django_db

SALES = "/admin/sales/"
CHARTS = ("revenue", "orders", "products", "conversion", "declines", "emails")


def dashboard(admin_client) -> str:
    response = admin_client.get(SALES)
    assert response.status_code == 200
    return response.content.decode()


def headline(page: str, name: str) -> str:
    found = re.search(rf'id="kpi-{name}"><dt>[^<]+</dt>\s*<dd>(.*?)</dd>', page, flags=re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def tooltips(page: str, chart: str) -> list[str]:
    svg = re.search(rf'<figure class="chart" id="chart-{chart}">.*?</figure>', page, re.S).group(0)
    return re.findall(r"<title>([^<]+)</title>", svg)  # each bar's; the chart's own has an id


def label(day) -> str:
    return f"{day:%b} {day.day}"


@pytest.fixture
def sales(rates):
    """Carts a and b bought (b after a declined card), c only got declined; in two currencies."""
    make_order("paid", user_id="a")  # today: 48.97 USD
    make_order("failed", user_id="b", charge_id="", failure_kind="declined", days_ago=1)
    two_lines = (
        ("OLJCESPC7Z", "Sunglasses", 1, "19.99"),
        ("9SIQT8TOJO", "Bamboo Glass Jar", 3, "5.49"),
    )
    make_order("shipped", user_id="b", lines=two_lines)
    make_order("delivered", user_id="a", currency="EUR", shipping="7.95", days_ago=1,
               lines=(("9SIQT8TOJO", "Bamboo Glass Jar", 1, "4.86"),))  # fmt: skip
    make_order("failed", user_id="c", charge_id="", failure_kind="invalid")
    make_order("failed", user_id="c", charge_id="c-9", failure_kind="unavailable")  # not a decline
    make_order("paid", user_id="d", days_ago=40)  # before the period


def test_the_dashboard_draws_svg_charts_on_the_server(admin_client, sales):
    page = dashboard(admin_client)
    for chart in CHARTS:
        assert f'id="chart-{chart}"' in page
        assert re.search(rf'<svg [^>]*role="img" aria-labelledby="chart-{chart}-title', page)
    assert "<script" not in page.split('id="content-main"')[1] and "style=" not in page
    assert 'href="/static/checkout/admin/sales.css"' in page


def test_every_amount_is_in_the_reporting_currency(admin_client, settings, sales):
    today, yesterday = timezone.localdate(), timezone.localdate() - timedelta(days=1)
    # 48.97 + 45.45 USD today; 12.81 EUR yesterday is 12.81 / 1 x 1.1305 = 14.481705 USD.
    page = dashboard(admin_client)
    assert headline(page, "revenue") == Money(Decimal("108.90"), "USD").format()
    assert headline(page, "orders") == "3"
    revenue = tooltips(page, "revenue")
    assert f"{label(today)}: {Money(Decimal('94.42'), 'USD').format()}" in revenue
    assert f"{label(yesterday)}: {Money(Decimal('14.48'), 'USD').format()}" in revenue
    assert len(tooltips(page, "orders")) == 30  # a column per day

    settings.REPORTING_CURRENCY = "EUR"  # 94.42 / 1.1305 = 83.52056... EUR, + 12.81
    page = dashboard(admin_client)
    assert headline(page, "revenue") == Money(Decimal("96.33"), "EUR").format()
    assert f"{label(today)}: {Money(Decimal('83.52'), 'EUR').format()}" in tooltips(page, "revenue")


def test_conversion_declines_and_top_products(admin_client, sales):
    page = dashboard(admin_client)
    # Carts a, b and c reached the checkout; a and b have a paid order.
    assert headline(page, "conversion") == "66.7%"
    assert headline(page, "declines") == "2"
    today, yesterday = timezone.localdate(), timezone.localdate() - timedelta(days=1)
    declines = tooltips(page, "declines")
    assert f"{label(today)}: 1" in declines and f"{label(yesterday)}: 1" in declines
    assert "Reached checkout: 3" in tooltips(page, "conversion")
    assert "Became an order: 2 (66.7%)" in tooltips(page, "conversion")
    products = tooltips(page, "products")
    assert products == ["Bamboo Glass Jar: 4 in 2 orders", "Sunglasses: 3 in 2 orders"]


def test_email_failures_come_from_the_email_service(admin_client, rates):
    for status in ("sent", "sent", "failed"):
        EmailMessage.objects.create(recipient="a@example.com", subject="s", body_text="t",
                                    body_html="h", idempotency_key=f"k-{status}-"
                                    f"{EmailMessage.objects.count()}", status=status)  # fmt: skip
    page = dashboard(admin_client)
    assert headline(page, "emails") == "1 of 3 sent or failed"
    assert f"{label(timezone.localdate())}: 1" in tooltips(page, "emails")

    class EmailServiceDown:
        def delivery_report(self, since):
            raise ServiceUnavailable("The e-mail service is not answering.")

    with registry.override("notifications", EmailServiceDown()):
        page = dashboard(admin_client)
    assert 'id="chart-emails-missing"' in page and 'id="kpi-emails"' not in page


def test_a_currency_without_a_rate_is_left_out_and_said_so(admin_client, sales):
    from currency.models import ExchangeRate  # the test breaks the currency service's data

    ExchangeRate.objects.filter(code="EUR").delete()
    cache.clear()
    page = dashboard(admin_client)
    assert "Revenue in EUR is left" in page and "not converted" in page
    assert headline(page, "revenue") == Money(Decimal("94.42"), "USD").format()


def test_the_dashboard_queries_do_not_grow_with_orders_currencies_or_days(admin_client, sales):
    def queries() -> int:
        # The fewest of three views: the process' memo caches (shop/memo.py) re-check their
        # sources at most once a second and refill after a minute, which adds a query to
        # whichever view happens to run then, not to every view.
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                dashboard(admin_client)
            counts.append(len(captured))
        return min(counts)

    few = queries()
    for days_ago in range(20):
        currency = ["USD", "EUR", "JPY", "GBP"][days_ago % 4]
        make_order("shipped", currency=currency, days_ago=days_ago, user_id=f"u{days_ago}",
                   lines=((f"P{days_ago}", f"Thing {days_ago}", 2, "1.5"),))  # fmt: skip
        make_order("failed", user_id=f"u{days_ago}", failure_kind="declined", days_ago=days_ago)
    assert queries() == few


# --- the chart layout -------------------------------------------------------------------------


def test_an_axis_ends_on_a_round_number():
    assert [charts.nice_ceiling(Decimal(v)) for v in ("0", "0.3", "1", "3", "7", "10", "11",
                                                       "48.97", "250", "1001")] == [
        1, Decimal("0.5"), 1, 5, 10, 10, 20, 50, 500, 2000]  # fmt: skip


def test_columns_are_as_tall_as_their_figures():
    today = timezone.localdate()
    points = [(today - timedelta(days=n), value) for n, value in enumerate([0, 5, 10, 2])][::-1]
    chart = charts.column_chart(title="t", summary="s", points=points)
    heights = [column.height for column in chart.columns]
    plot = charts.HEIGHT - charts.TOP - charts.BOTTOM
    assert heights == [plot / 5, plot, plot / 2, 0]  # the axis' top is 10
    assert all(column.y + column.height == chart.baseline for column in chart.columns)
    assert [label.text for label in chart.value_labels] == ["10", "0"]
    assert chart.day_labels[-1].text == label(today)  # today is always labelled
    assert chart.columns[-1].label == f"{label(today)}: 0"


def test_bars_are_as_long_as_their_figures():
    chart = charts.bar_chart(title="t", summary="s", rows=[("a", 4, "4"), ("b", 1, "1")])
    longest, shortest = (row.width for row in chart.rows)
    assert longest == 4 * shortest and chart.rows[1].y > chart.rows[0].y
