"""The shop owner's journey in the admin: find a customer's order by e-mail and follow it to its
lines, its charge, its shipment and its confirmation e-mail; ship it from its page; read the
sales dashboard."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
import requests
from playwright.sync_api import Page, expect

from e2e.conftest import STAFF
from e2e.test_phone import AUDIT, AXE, SERIOUS

pytestmark = pytest.mark.slow

PRODUCT = "OLJCESPC7Z"


def place_order(base_url: str, email: str) -> None:
    """Checks out the way the original's load generator does: plain form posts, no browser."""
    customer = requests.Session()
    customer.post(f"{base_url}/cart", {"product_id": PRODUCT, "quantity": 2}, timeout=30)
    response = customer.post(
        f"{base_url}/cart/checkout",
        {
            "email": email, "street_address": "1 Main St", "zip_code": "62701",
            "city": "Springfield", "state": "IL", "country": "United States",
            "credit_card_number": "4432801561520454", "credit_card_expiration_month": "1",
            "credit_card_expiration_year": str(datetime.date.today().year + 1),
            "credit_card_cvv": "672",
        },
        timeout=30,
    )  # fmt: skip
    response.raise_for_status()


def search_and_open(page: Page, changelist: str, term: str) -> None:
    page.goto(changelist)
    page.fill("#searchbar", term)
    page.press("#searchbar", "Enter")
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    results.first.locator("th a, td a").first.click()


def readonly_value(page: Page, field: str) -> str:
    return page.locator(f".field-{field} .readonly").first.inner_text().strip()


def test_staff_follows_an_order_to_its_lines_charge_shipment_and_email(page, shop, inbox):
    customer = f"staff-journey-{uuid.uuid4().hex[:8]}@example.com"
    place_order(shop.url, customer)
    inbox.message_to(customer)  # delivered, so the e-mail log has it as sent

    page.goto("/admin/")
    page.fill("[name=username]", STAFF["username"])
    page.fill("[name=password]", STAFF["password"])
    page.locator("[type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text(STAFF["username"])
    page.camera.shot("admin-home")

    search_and_open(page, "/admin/checkout/order/", customer)
    expect(page.locator(".field-email")).to_contain_text(customer)
    lines = page.locator(".inline-group")
    expect(lines).to_contain_text(PRODUCT)
    expect(lines).to_contain_text("Sunglasses")
    order_id = re.search(r"/admin/checkout/order/([0-9a-f-]{36})/", page.url).group(1)
    charge_id = readonly_value(page, "charge")
    tracking_id = readonly_value(page, "shipment")
    assert charge_id not in ("", "-"), "the order shows its charge"
    assert re.fullmatch(r"[A-Z]{2}-\d{7}-\d{7}", tracking_id), "the order shows its shipment"
    page.camera.shot("order")

    search_and_open(page, "/admin/payments/charge/", charge_id)
    expect(page.locator("#content")).to_contain_text("0454")  # the last four digits, only
    expect(page.locator("#content")).not_to_contain_text("4432801561520454")
    page.camera.shot("charge")

    search_and_open(page, "/admin/shipping/shipment/", tracking_id)
    expect(page.locator("#content")).to_contain_text("Springfield")
    page.camera.shot("shipment")

    search_and_open(page, "/admin/notifications/emailmessage/", customer)
    expect(page.locator("#content")).to_contain_text(order_id)
    page.camera.shot("confirmation-email")


def test_staff_ships_an_order_from_its_page_and_reads_the_dashboard(page, shop, inbox):
    # axe-core in every page of this test, as the phone test does for the storefront's pages.
    page.context.add_init_script(path=AXE)
    customer = f"staff-ships-{uuid.uuid4().hex[:8]}@example.com"
    place_order(shop.url, customer)
    page.goto("/admin/")
    page.fill("[name=username]", STAFF["username"])
    page.fill("[name=password]", STAFF["password"])
    page.locator("[type=submit]").click()

    search_and_open(page, "/admin/checkout/order/", customer)
    moves = page.locator("#order-moves")
    expect(moves.locator("button")).to_have_text(
        ["Mark shipped", "Resend the confirmation e-mail", "Refund"]
    )
    page.fill("#id_tracking_id", "1Z999AA10123456784")
    moves.get_by_role("button", name="Mark shipped").click()
    expect(page.locator(".messagelist")).to_contain_text("Marked shipped (tracking id 1Z999AA")
    expect(page.locator(".field-status")).to_contain_text("Shipped")
    expect(page.locator(".field-history")).to_contain_text(f"by {STAFF['username']}: Marked")
    expect(page.locator("#order-moves button").first).to_have_text("Mark delivered")
    page.camera.shot("order-shipped")
    assert page.evaluate(AUDIT, list(SERIOUS)) == []

    page.goto("/admin/sales/")
    for chart in ("revenue", "orders", "products", "conversion", "declines", "emails"):
        expect(page.locator(f"#chart-{chart} svg[role=img]")).to_be_visible()
    expect(page.locator("#kpi-orders dd")).not_to_have_text("0")
    page.camera.shot("sales-dashboard")
    assert page.evaluate(AUDIT, list(SERIOUS)) == []
