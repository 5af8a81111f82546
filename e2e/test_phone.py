"""Every storefront page on a phone (390x844, the original's customers mostly come on one): no
page scrolls sideways, and axe-core (e2e/package.json, installed by `make test`) finds no
serious or critical accessibility violation on it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import Camera
from e2e.test_customer import fill_form, shipping_and_card

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
AUDIT = """async (impacts) => {
  const result = await axe.run(document);
  return result.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} at `
      + violation.nodes.map((node) => node.target.join(" ")).join(", "));
}"""


@pytest.fixture
def phone(browser, shop, request) -> Page:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci in e2e/)")
    context = browser.new_context(base_url=shop.url, viewport=PHONE, is_mobile=True)
    context.set_default_timeout(15_000)
    # An init script runs in every page before its own and is not subject to the page's CSP
    # (which forbids inline scripts), so axe is there on each page without touching the shop.
    context.add_init_script(path=AXE)
    page = context.new_page()
    page.camera = Camera(page, re.sub(r"\W+", "_", request.node.name))
    yield page
    context.close()


def problems_on(page: Page, name: str) -> list[str]:
    """What is wrong with the page in the browser now: sideways scrolling, axe's findings."""
    page.camera.shot(name)
    width = page.evaluate("document.documentElement.scrollWidth")
    found = [f"{name}: {width} px wide"] if width > PHONE["width"] else []
    return found + [f"{name}: {problem}" for problem in page.evaluate(AUDIT, list(SERIOUS))]


def test_every_storefront_page_fits_a_phone_and_passes_axe(phone: Page):
    problems: list[str] = []
    phone.goto("/")
    currency = phone.locator("form[action='/setCurrency']")
    fill_form(currency, {"currency_code": "EUR"})  # the longer prices: 1.234,50 €
    currency.locator("button").click()
    expect(phone.locator("main")).to_contain_text("€")
    problems += problems_on(phone, "home")
    for name, path in (
        ("category", "/category/accessories"),
        ("search", "/search?q=glass"),
        ("empty-cart", "/cart"),
        ("unknown-product", "/product/NO-SUCH-PRODUCT"),
        ("not-found", "/no-such-page"),
        ("product", "/product/OLJCESPC7Z"),
    ):
        phone.goto(path)
        problems += problems_on(phone, name)

    for product in ("/product/OLJCESPC7Z", "/product/66VCHSJNUP"):
        phone.goto(product)
        phone.locator("form.add-to-cart button").click()
    expect(phone).to_have_url(re.compile(r"/cart$"))
    expect(phone.locator(".messages")).to_contain_text("Added to your cart")
    problems += problems_on(phone, "cart")

    checkout = phone.locator("form[action='/cart/checkout']")
    fill_form(checkout, shipping_and_card("phone@example.com", "3782 822463 10005", "6720"))
    checkout.locator("button[type=submit]").click()
    expect(phone.locator("#id_credit_card_number_error")).to_be_visible()
    problems += problems_on(phone, "checkout-error")

    fill_form(checkout, shipping_and_card("phone@example.com", "4432 8015 6152 0454", "672"))
    checkout.locator("button[type=submit]").click()
    expect(phone.locator("h1")).to_have_text("Your order is complete!")
    problems += problems_on(phone, "confirmation")
    phone.locator("a.order-link").click()
    expect(phone.locator("h1")).to_have_text("Your order")
    problems += problems_on(phone, "order-page")

    assert problems == []
